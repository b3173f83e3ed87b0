import { strict as assert } from 'node:assert';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client } from 'pg';
import { freePort } from '@citytrust/network-config/dist/testing/free-ports';
import { superviseEmbeddedPostgres, type SupervisorEvent } from './postgres-supervisor';
import type { EmbeddedPostgresServer } from './embedded-postgres';

describe('the embedded Postgres supervisor', () => {
  let home: string;
  let server: EmbeddedPostgresServer;
  const events: SupervisorEvent[] = [];
  before(async () => {
    home = mkdtempSync(join(tmpdir(), 'citytrust-supervisor-'));
    chmodSync(home, 0o755);
    server = await superviseEmbeddedPostgres({ dataDir: join(home, 'postgres'), port: await freePort(), password: 'c'.repeat(64) },
      (event) => events.push(event), { initialMs: 100, maxMs: 400, stableMs: 60_000 });
  });
  after(async () => {
    await server?.stop();
    rmSync(home, { recursive: true, force: true });
  });

  async function answers(): Promise<boolean> {
    const client = new Client({ connectionString: server.url, connectionTimeoutMillis: 1_000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      return (await client.query('SELECT 1 AS one')).rows[0].one === 1;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  async function until(condition: () => boolean, what: string): Promise<void> {
    for (const deadline = Date.now() + 20_000; !condition(); await new Promise((r) => setTimeout(r, 50))) {
      if (Date.now() > deadline) assert.fail(`${what} did not happen; events: ${JSON.stringify(events)}`);
    }
  }

  it('says when the server dies and starts it again after the back-off, at the same URL', async () => {
    const first = server.pid;
    process.kill(first, 'SIGKILL');
    await until(() => events.some((e) => e.kind === 'restarted'), 'a restart');
    assert.deepEqual(events[0], { kind: 'exited', pid: first, how: 'killed by SIGKILL', restartInMs: 100 });
    assert.deepEqual(events[1], { kind: 'restarted', pid: server.pid });
    assert.notEqual(server.pid, first);
    assert.equal(await answers(), true);
  });

  it('doubles the back-off while the server keeps dying young', async () => {
    events.length = 0;
    process.kill(server.pid, 'SIGKILL');
    await until(() => events.some((e) => e.kind === 'restarted'), 'a second restart');
    assert.equal(events[0]?.kind === 'exited' && events[0].restartInMs, 200);
  });

  it('stops for good when its owner stops it', async () => {
    const last = server.pid;
    events.length = 0;
    await server.stop();
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(events, []);
    assert.throws(() => process.kill(last, 0), { code: 'ESRCH' });
  });
});
