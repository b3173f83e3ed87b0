import { strict as assert } from 'node:assert';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { writeTestNetworkDescription } from '@citytrust/network-config/dist/testing/test-network-description';

const main = join(__dirname, '..', 'main.js');

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** `citytrust start` as a user runs it: a real process, in its own CITYTRUST_HOME. */
class Stack {
  process?: ChildProcess;
  output = '';
  constructor(readonly env: NodeJS.ProcessEnv) {}

  start(): Promise<void> {
    this.output = '';
    this.process = spawn(process.execPath, [main, 'start'], { env: this.env });
    this.process.stdout!.on('data', (chunk) => { this.output += chunk; });
    this.process.stderr!.on('data', (chunk) => { this.output += chunk; });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "Press Ctrl-C" within 60 s:\n${this.output}`)), 60_000);
      const poll = setInterval(() => {
        if (this.output.includes('Press Ctrl-C to stop.')) { clearInterval(poll); clearTimeout(timer); resolve(); }
      }, 100);
      this.process!.once('exit', (code) => { clearInterval(poll); clearTimeout(timer); reject(new Error(`start exited with ${code}:\n${this.output}`)); });
    });
  }

  /** Ctrl-C, as a person would press it; resolves to the exit code. */
  stop(): Promise<number | null> {
    const child = this.process!;
    child.removeAllListeners('exit');
    return new Promise((resolve) => {
      child.once('exit', (code) => resolve(code));
      child.kill('SIGINT');
    });
  }

  cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
    const result = spawnSync(process.execPath, [main, ...args], { env: this.env, encoding: 'utf8' });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  }
}

describe('citytrust start, as a new user runs it', () => {
  let home: string;
  let stack: Stack;
  let gatewayPort: number;
  before(async () => {
    home = mkdtempSync(join(tmpdir(), 'citytrust-start-'));
    chmodSync(home, 0o755);
    gatewayPort = await freePort();
    const network = await writeTestNetworkDescription(home);
    stack = new Stack({ PATH: process.env.PATH, CITYTRUST_HOME: home, CITYTRUST_NETWORK: network.path, GATEWAY_PORT: String(gatewayPort), CITYTRUST_POSTGRES_PORT: String(await freePort()) });
  });
  after(async () => {
    if (stack.process?.exitCode === null) await stack.stop();
    rmSync(home, { recursive: true, force: true });
  });

  it('says which ledger back-end runs, starts step by step and prints the URLs', async () => {
    await stack.start();
    assert.match(stack.output, /Ledger back-end: embedded/);
    assert.match(stack.output, /\[1\/5\] Identities \(MSPs\) \.\.\. ready/);
    assert.match(stack.output, /\[2\/5\] Chaincode server \.\.\. ready  127\.0\.0\.1:\d+/);
    assert.match(stack.output, /\[3\/5\] Embedded ledger \.\.\. ready  127\.0\.0\.1:\d+, channel citytrust, height 2/);
    assert.match(stack.output, /\[4\/5\] Postgres \(embedded\) \.\.\. ready/);
    assert.match(stack.output, /\[5\/5\] Gateway \.\.\. ready/);
    assert.match(stack.output, new RegExp(`Gateway API   http://127.0.0.1:${gatewayPort}/api/v1`));
  });

  it('status --json shows each component with its URL and health', () => {
    const { stdout } = stack.cli('status', '--json');
    const report = JSON.parse(stdout);
    assert.equal(report.running, true);
    const gateway = report.components.find((c: { name: string }) => c.name === 'gateway');
    assert.equal(gateway.url, `http://127.0.0.1:${gatewayPort}`);
    assert.equal(gateway.health.components.database.reachable, true);
    assert.equal(gateway.health.components.ledger.reachable, true);
    assert.ok(gateway.health.components.ledger.height >= 2, `ledger height ${gateway.health.components.ledger.height}`);
    assert.deepEqual(report.network.map((p: { name: string; state: string; healthy: boolean }) => [p.name, p.state, p.healthy]), [['chaincode', 'running', true], ['ledger', 'running', true]]);
  });

  it('refuses a second start on the same home, saying which process runs', () => {
    const second = stack.cli('start');
    assert.equal(second.status, 1);
    assert.match(second.stderr, /already running .* \(pid \d+/);
  });

  it('bootstraps the first admin from the CLI while the stack runs, who can then log in', async () => {
    const passwordFile = join(home, 'admin-password');
    writeFileSync(passwordFile, 'the first admin password\n');
    const created = stack.cli('admin', 'bootstrap', '--username', 'admin.first', '--department', 'BigDataAdministrationMSP', '--password-file', passwordFile);
    assert.equal(created.status, 0, created.stderr);
    const login = await fetch(`http://127.0.0.1:${gatewayPort}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin.first', password: 'the first admin password' }) });
    assert.equal(login.status, 200);
  });

  it('registers a citizen from the CLI, who logs in with a challenge signed by OpenSSL', async () => {
    const key = join(home, 'citizen.pem');
    const publicKey = join(home, 'citizen.pub.pem');
    const identityFile = join(home, 'identity-number');
    spawnSync('openssl', ['genpkey', '-algorithm', 'SM2', '-out', key]);
    spawnSync('openssl', ['pkey', '-in', key, '-pubout', '-out', publicKey]);
    writeFileSync(identityFile, '11010519491231002X\n'); // made up, with a valid check character
    const added = stack.cli('user', 'add', '--username', 'citizen.wu', '--role', 'citizen', '--identity-number-file', identityFile, '--public-key', publicKey);
    assert.equal(added.status, 0, added.stderr);
    assert.match(added.stdout, /created citizen 'citizen.wu' with subject key [0-9a-f]{64}/);
    assert.ok(!added.stdout.includes('19491231'), 'the identity number is not echoed');

    const base = `http://127.0.0.1:${gatewayPort}/api/v1/auth/citizen`;
    const post = (url: string, body: unknown) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const { challengeId, challenge } = await (await post(`${base}/challenge`, { username: 'citizen.wu' })).json() as { challengeId: string; challenge: string };
    writeFileSync(join(home, 'challenge.txt'), challenge);
    const signed = spawnSync('openssl', ['pkeyutl', '-sign', '-rawin', '-digest', 'sm3', '-pkeyopt', 'distid:1234567812345678', '-inkey', key, '-in', join(home, 'challenge.txt')]);
    assert.equal(signed.status, 0, signed.stderr.toString());
    const login = await post(`${base}/login`, { challengeId, signature: signed.stdout.toString('base64') });
    assert.equal(login.status, 200, await login.clone().text());
    assert.equal(((await login.json()) as { user: { role: string } }).user.role, 'citizen');
  });

  it('stops cleanly on Ctrl-C and leaves no stack behind', async () => {
    assert.equal(await stack.stop(), 0);
    assert.match(stack.output, /stopped; state kept in/);
    assert.equal(existsSync(join(home, 'run', 'stack.json')), false);
    assert.equal(existsSync(join(home, 'postgres', 'postmaster.pid')), false, 'Postgres has shut down');
    assert.equal(existsSync(join(home, 'run', 'ledger.json')), false, 'the ledger has shut down');
    assert.equal(existsSync(join(home, 'run', 'chaincode.json')), false, 'the chaincode server has shut down');
    assert.equal(stack.cli('status').status, 1);
  });

  it('resumes from the saved state on the next start: the admin and the ledger are still there', async () => {
    await stack.start();
    assert.match(stack.output, /Embedded ledger \.\.\. ready  127\.0\.0\.1:\d+, channel citytrust, height 3/);
    const login = await fetch(`http://127.0.0.1:${gatewayPort}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin.first', password: 'the first admin password' }) });
    assert.equal(login.status, 200);
    assert.equal(await stack.stop(), 0);
  });

  it('a gateway port already in use is a clear error, and nothing is left running', async () => {
    const blocker: Server = await new Promise((resolve) => { const s = createServer().listen(gatewayPort, '127.0.0.1', () => resolve(s)); });
    try {
      await assert.rejects(stack.start(), /port \d+ on 127\.0\.0\.1 is already in use, so the gateway cannot listen there/);
      assert.equal(existsSync(join(home, 'postgres', 'postmaster.pid')), false, 'Postgres was stopped again');
      assert.equal(existsSync(join(home, 'run', 'ledger.json')), false, 'the ledger was stopped again');
    } finally {
      blocker.close();
    }
  });
});
