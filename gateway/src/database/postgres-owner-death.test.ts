import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { freePort } from '@citytrust/network-config/dist/testing/free-ports';
import { isSameProcess, processIdentity, type ProcessIdentity } from '@citytrust/shared';

/**
 * The embedded Postgres goes with the process that started it, even one killed with SIGKILL
 * (a CI timeout, a test runner killing a test file): nothing is left holding its port.
 */
describe('the embedded Postgres of a process killed with SIGKILL', () => {
  const home = mkdtempSync(join(tmpdir(), 'citytrust-postgres-owner-'));
  chmodSync(home, 0o755); // as root, Postgres runs as 'postgres' and must reach its data directory
  let server: ProcessIdentity | undefined;
  after(() => {
    if (server && isSameProcess(server)) process.kill(server.pid, 'SIGQUIT');
    rmSync(home, { recursive: true, force: true });
  });

  it('is stopped cleanly within a few seconds, and says why in its log', async () => {
    const dataDir = join(home, 'postgres');
    const owner = spawn(process.execPath, [join(__dirname, '..', 'test-support', 'postgres-owner.js'), dataDir, String(await freePort())], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = once(owner, 'exit');
    const [line] = (await once(owner.stdout!, 'data')) as [Buffer];
    server = processIdentity(Number(line.toString().trim()));
    assert.ok(server, `the owner printed no running postmaster's pid: ${line.toString()}`);

    owner.kill('SIGKILL');
    await exited;
    for (const deadline = Date.now() + 10_000; isSameProcess(server) && Date.now() < deadline;) await new Promise((r) => setTimeout(r, 100));
    assert.equal(isSameProcess(server), false, `postmaster ${server.pid} still runs 10 s after its owner was killed`);
    // A fast shutdown removes the pid file; an immediate one or a kill would leave it behind.
    assert.equal(existsSync(join(dataDir, 'postmaster.pid')), false);
    const log = readFileSync(join(home, 'logs', 'postgres.log'), 'utf8');
    assert.match(log, new RegExp(`watchdog of the embedded Postgres \\(pid ${server.pid}\\): its owner, pid ${owner.pid}, has died: stopping it`));
    assert.match(log, /stopped with SIGINT/);
  });
});
