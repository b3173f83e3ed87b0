import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { processIdentity } from '@citytrust/shared';
import { recordPath, spawnManaged, stopManaged } from './managed-process';

describe('stopping a recorded process', () => {
  it('signals only the process it recorded, not another that now holds its pid', async () => {
    const home = mkdtempSync(join(tmpdir(), 'citytrust-managed-'));
    const bystander = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)']);
    try {
      const identity = processIdentity(bystander.pid!)!;
      const record = { name: 'ledger', pid: identity.pid, startTime: String(Number(identity.startTime) - 1), startedAt: '', endpoint: '', log: '', logStart: 0, command: [] };
      assert.equal(await stopManaged(home, record, 100), 'not running');
      assert.equal(bystander.exitCode, null);
      assert.equal(bystander.signalCode, null);
    } finally {
      bystander.kill();
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('records the start time of what it spawns and stops that process', async () => {
    const home = mkdtempSync(join(tmpdir(), 'citytrust-managed-'));
    try {
      const record = spawnManaged({ home, name: 'sleeper', endpoint: '-', command: [process.execPath, '-e', 'setTimeout(() => {}, 60_000)'], env: {}, lifetime: 'outlives-spawner' });
      assert.equal(record.startTime, processIdentity(record.pid)?.startTime);
      assert.equal(await stopManaged(home, record, 5_000), 'stopped');
      assert.equal(existsSync(recordPath(home, 'sleeper')), false);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
