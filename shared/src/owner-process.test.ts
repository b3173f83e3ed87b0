import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { followOwner, OwnerVariableError, ownerPidVariable } from './owner-process';
import { isSameProcess, processIdentity, type ProcessIdentity } from './process-identity';

/**
 * An owner process that spawns one child, detached as the network's processes are, prints the
 * child's pid and waits to be killed. The child follows its owner (or not, without the variable)
 * and otherwise lives for a minute.
 */
const child = `
  const { followOwner } = require(${JSON.stringify(join(__dirname, 'owner-process.js'))});
  const keepAlive = setTimeout(() => {}, 60_000);
  followOwner(() => { clearTimeout(keepAlive); process.exit(0); });
`;
const owner = (follow: boolean) => `
  const { spawn } = require('node:child_process');
  const env = { ...process.env, ${follow ? `${ownerPidVariable}: String(process.pid)` : ''} };
  const child = spawn(process.execPath, ['-e', ${JSON.stringify(child)}], { detached: true, stdio: 'ignore', env });
  child.unref();
  console.log(child.pid);
  setTimeout(() => {}, 60_000);
`;

async function startOwner(follow: boolean): Promise<{ owner: ReturnType<typeof spawn>; child: ProcessIdentity }> {
  const env = { ...process.env };
  delete env[ownerPidVariable];
  const ownerProcess = spawn(process.execPath, ['-e', owner(follow)], { stdio: ['ignore', 'pipe', 'inherit'], env });
  const [line] = (await once(ownerProcess.stdout!, 'data')) as [Buffer];
  const identity = processIdentity(Number(line.toString().trim()));
  assert.ok(identity, 'the child is running');
  return { owner: ownerProcess, child: identity };
}

async function goneWithin(identity: ProcessIdentity, ms: number): Promise<boolean> {
  for (const deadline = Date.now() + ms; Date.now() < deadline; await new Promise((r) => setTimeout(r, 50))) {
    if (!isSameProcess(identity)) return true;
  }
  return false;
}

describe('a child following its owner', () => {
  it('exits within a few seconds of its owner being killed with SIGKILL', async () => {
    const { owner, child } = await startOwner(true);
    owner.kill('SIGKILL');
    await once(owner, 'exit');
    assert.equal(await goneWithin(child, 5_000), true, `child ${child.pid} still runs 5 s after its owner was killed`);
  });

  it('started without the owner variable, outlives the process that started it', async () => {
    const { owner, child } = await startOwner(false);
    try {
      owner.kill('SIGKILL');
      await once(owner, 'exit');
      assert.equal(await goneWithin(child, 2_500), false, 'a child nobody owns must keep running');
    } finally {
      if (isSameProcess(child)) process.kill(child.pid, 'SIGKILL');
    }
  });

  it('takes the variable out of its environment, so nothing it starts inherits the owner', () => {
    const env: NodeJS.ProcessEnv = { [ownerPidVariable]: String(process.ppid) };
    const following = followOwner(() => assert.fail('the owner is alive'), env);
    following.stop();
    assert.equal(following.owner, process.ppid);
    assert.equal(env[ownerPidVariable], undefined);
  });

  it('finds an owner that died before it started watching at once', async () => {
    const started = Date.now();
    const gone = new Promise<number>((resolve) => followOwner(resolve, { [ownerPidVariable]: String(process.ppid + 1_000_000) }));
    assert.equal(await gone, process.ppid + 1_000_000);
    assert.ok(Date.now() - started < 500, 'not a second later, at the first periodic check');
  });

  it('refuses a variable that is no pid, saying how to run without an owner', () => {
    for (const value of ['me', '0', '-3', '1.5']) {
      assert.throws(() => followOwner(() => undefined, { [ownerPidVariable]: value }), (error: unknown) =>
        error instanceof OwnerVariableError && error.message.startsWith(`CITYTRUST_OWNER_PID=${JSON.stringify(value)} is not the pid`) && /unset it/.test(error.message), value);
    }
  });

  it('follows pid 1, the owner when `citytrust start` is a container\'s first process', () => {
    const following = followOwner(() => undefined, { [ownerPidVariable]: '1' });
    following.stop();
    assert.equal(following.owner, 1);
  });
});
