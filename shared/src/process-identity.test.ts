import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import { isSameProcess, processCommandLine, processIdentity } from './process-identity';

describe('process identity', () => {
  it('names a running process by its pid and start time', () => {
    const identity = processIdentity(process.pid);
    assert.ok(identity, 'this process runs');
    assert.match(identity.startTime, /^\d+$/);
    assert.equal(isSameProcess(identity), true);
  });

  it('does not take a process that started later under the same pid for the recorded one', () => {
    const identity = processIdentity(process.pid)!;
    assert.equal(isSameProcess({ pid: identity.pid, startTime: String(Number(identity.startTime) + 1) }), false);
  });

  it('counts a process that has exited, or was never there, as gone', async () => {
    const child = spawn(process.execPath, ['-e', '']);
    const identity = processIdentity(child.pid!)!;
    await once(child, 'exit');
    assert.equal(isSameProcess(identity), false);
    assert.equal(processIdentity(0), undefined);
  });

  it('reads a running process\'s command line', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 10_000)', 'a marker argument']);
    try {
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.deepEqual(processCommandLine(child.pid!)?.slice(1), ['-e', 'setTimeout(() => {}, 10_000)', 'a marker argument']);
    } finally {
      child.kill();
      await once(child, 'exit');
    }
  });
});
