import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort } from '@citytrust/network-config/dist/testing/free-ports';
import { isSameProcess, processIdentity } from '@citytrust/shared';
import { loadEmbeddedPostgres, startEmbeddedPostgres, type EmbeddedPostgresServer } from './embedded-postgres';

describe('embedded Postgres', () => {
  let home: string;
  let port: number;
  const started: EmbeddedPostgresServer[] = [];
  const options = () => ({ dataDir: join(home, 'postgres'), port, password: 'b'.repeat(64) });
  before(async () => {
    home = mkdtempSync(join(tmpdir(), 'citytrust-embedded-postgres-'));
    chmodSync(home, 0o755); // as root, Postgres runs as 'postgres' and must reach its data directory
    port = await freePort();
  });
  after(async () => {
    for (const server of started.reverse()) await server.stop();
    rmSync(home, { recursive: true, force: true });
  });

  it('leaves no process-wide handler behind from embedded-postgres (one called process.exit(0) and hid a failed command\'s exit code)', async () => {
    const before = new Map(process.eventNames().map((event) => [event, process.listenerCount(event)]));
    await loadEmbeddedPostgres();
    assert.deepEqual(new Map(process.eventNames().map((event) => [event, process.listenerCount(event)])), before);
  });

  it('starts the server with only the environment it needs, none of the caller\'s secrets', async () => {
    process.env.GATEWAY_TOKEN_KEY_TEST_MARKER = 'must not reach Postgres';
    try {
      const server = await startEmbeddedPostgres(options());
      started.push(server);
      assert.equal(server.attached, false);
      const environment = readFileSync(`/proc/${server.pid}/environ`, 'utf8').split('\0').filter(Boolean).sort();
      assert.deepEqual(environment, ['LANG=C', 'LC_MESSAGES=C']);
    } finally {
      delete process.env.GATEWAY_TOKEN_KEY_TEST_MARKER;
    }
  });

  it('joins a server whose starter is alive, and leaves it running when the joiner stops', async () => {
    const owner = started[0]!;
    const joined = await startEmbeddedPostgres(options());
    assert.equal(joined.attached, true);
    assert.equal(joined.pid, owner.pid);
    await joined.stop();
    assert.equal(isSameProcess(processIdentity(owner.pid)!), true, 'the owner\'s server still runs');
  });

  it('takes over a server left running by a CityTrust process that has died, and only that very server', async () => {
    const orphan = started.pop()!;
    const dead = spawn(process.execPath, ['-e', '']);
    const deadOwner = processIdentity(dead.pid!)!;
    await once(dead, 'exit');
    const recordFile = join(home, 'run', 'postgres.json');
    const record = JSON.parse(readFileSync(recordFile, 'utf8'));
    writeFileSync(recordFile, JSON.stringify({ ...record, owner: deadOwner }));
    const notices: string[] = [];
    const server = await startEmbeddedPostgres({ ...options(), onNotice: (message) => notices.push(message) });
    started.push(server);
    assert.equal(await orphan.exited, 'exited with code 0');
    assert.equal(server.attached, false);
    assert.notEqual(server.pid, orphan.pid);
    assert.deepEqual(notices, [`the embedded Postgres (pid ${orphan.pid}) was left running by CityTrust process ${deadOwner.pid}, which has ended: stopping it to start it again under this one`]);
  });

  it('treats a pid file that names another program as stale, and signals nothing', async () => {
    const server = started.pop()!;
    await server.stop();
    const bystander = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)']);
    try {
      writeFileSync(join(home, 'postgres', 'postmaster.pid'), `${bystander.pid}\n${join(home, 'postgres')}\n0\n${port}\n`);
      const restarted = await startEmbeddedPostgres(options());
      started.push(restarted);
      assert.equal(restarted.attached, false);
      assert.equal(bystander.exitCode, null);
      assert.equal(bystander.signalCode, null, 'the program holding the recorded pid was not signalled');
    } finally {
      bystander.kill();
    }
  });
});
