import { strict as assert } from 'node:assert';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort } from '@citytrust/network-config/dist/testing/free-ports';
import { writeTestNetworkDescription } from '@citytrust/network-config/dist/testing/test-network-description';
import { pausePostgres } from '@citytrust/gateway/dist/test-support/pause-postgres';

const main = join(__dirname, '..', 'main.js');

/** `citytrust start` as a user runs it: a real process, in a CITYTRUST_HOME of its own. */
class Stack {
  process?: ChildProcess;
  output = '';
  private constructor(readonly home: string, readonly env: NodeJS.ProcessEnv, readonly gatewayPort: number) {}

  /** A fresh home with its own network description and free ports; `extra` adds to the environment. */
  static async create(extra: NodeJS.ProcessEnv = {}): Promise<Stack> {
    const home = mkdtempSync(join(tmpdir(), 'citytrust-start-'));
    chmodSync(home, 0o755); // as root, Postgres runs as 'postgres' and must reach its data directory
    const network = await writeTestNetworkDescription(home);
    const gatewayPort = await freePort();
    return new Stack(home, {
      PATH: process.env.PATH, CITYTRUST_HOME: home, CITYTRUST_NETWORK: network.path,
      GATEWAY_PORT: String(gatewayPort), CITYTRUST_POSTGRES_PORT: String(await freePort()), ...extra,
    }, gatewayPort);
  }

  get gateway(): string {
    return `http://127.0.0.1:${this.gatewayPort}`;
  }

  /** Starts it and resolves once it says it is running. */
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
    if (child.exitCode !== null) return Promise.resolve(child.exitCode);
    return new Promise((resolve) => {
      child.once('exit', (code) => resolve(code));
      child.kill('SIGINT');
    });
  }

  /** Waits until the console says `text`. */
  async said(text: string | RegExp, timeoutMs = 20_000): Promise<void> {
    for (const deadline = Date.now() + timeoutMs; !(typeof text === 'string' ? this.output.includes(text) : text.test(this.output));) {
      if (Date.now() > deadline) assert.fail(`the console did not say ${String(text)}:\n${this.output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
    const result = spawnSync(process.execPath, [main, ...args], { env: this.env, encoding: 'utf8' });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  /** The pid in the embedded Postgres's postmaster.pid. */
  postmaster(): number {
    return Number(readFileSync(join(this.home, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
  }

  async remove(): Promise<void> {
    if (this.process && this.process.exitCode === null) await this.stop();
    rmSync(this.home, { recursive: true, force: true });
  }
}

function login(stack: Stack, username: string, password: string): Promise<Response> {
  return fetch(`${stack.gateway}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
}

describe('citytrust start, while it runs', () => {
  let stack: Stack;
  before(async () => {
    // Secrets in the environment, which must reach no child process. (No admin username: the
    // first admin is created from the CLI below.)
    stack = await Stack.create({ GATEWAY_DATABASE_TIMEOUT_MS: '1000', GATEWAY_TOKEN_KEY: 'a1'.repeat(32), GATEWAY_SUBJECT_KEY: 'b2'.repeat(32), CITYTRUST_ADMIN_PASSWORD: 'a secret admin password' });
    await stack.start();
  });
  after(async () => { await stack?.remove(); });

  it('said which ledger back-end runs, started step by step and printed the URLs', () => {
    assert.match(stack.output, /^CityTrust: starting the stack \(state in .+\)\nLedger back-end: embedded \(/);
    assert.match(stack.output, /\[1\/6\] Identities \(MSPs\) \.\.\. ready/);
    assert.match(stack.output, /\[2\/6\] Chaincode server \.\.\. ready  127\.0\.0\.1:\d+/);
    assert.match(stack.output, /\[3\/6\] Embedded ledger \.\.\. ready  127\.0\.0\.1:\d+, channel citytrust, height 2/);
    assert.match(stack.output, /\[4\/6\] Postgres \(embedded\) \.\.\. ready  postgres:\/\/citytrust_gateway:\*\*\*@127\.0\.0\.1:\d+\/citytrust/);
    assert.match(stack.output, /\[5\/6\] Gateway \.\.\. ready/);
    assert.match(stack.output, /\[6\/6\] Credit service \(off-chain index\) \.\.\. ready  nothing indexed yet: reading the ledger from its first block  \(\d+\.\d s\)\n/);
    assert.ok(stack.output.includes(`Gateway API   ${stack.gateway}/api/v1`), stack.output);
    assert.ok(stack.output.includes(`Explorer      ${stack.gateway}/explorer/`), stack.output);
  });

  it('status --json probes each component and shows it healthy', () => {
    const { status, stdout } = stack.cli('status', '--json');
    assert.equal(status, 0);
    const report = JSON.parse(stdout);
    assert.equal(report.running, true);
    const gateway = report.components.find((c: { name: string }) => c.name === 'gateway');
    assert.equal(gateway.url, stack.gateway);
    assert.equal(gateway.health.components.database.reachable, true);
    assert.equal(gateway.health.components.ledger.reachable, true);
    const postgres = report.components.find((c: { name: string }) => c.name === 'postgres');
    assert.equal(postgres.healthy, true);
    assert.equal(postgres.pid, stack.postmaster());
    assert.match(postgres.detail, new RegExp(`^answered at 127\\.0\\.0\\.1:${stack.env.CITYTRUST_POSTGRES_PORT} in \\d+ ms$`));
    assert.deepEqual(report.network.map((p: { name: string; state: string; healthy: boolean }) => [p.name, p.state, p.healthy]), [['chaincode', 'running', true], ['ledger', 'running', true]]);
  });

  it('status reports a frozen Postgres as not answering, and the gateway as degraded, with exit code 1', async () => {
    const thaw = pausePostgres(stack.postmaster());
    let result: ReturnType<Stack['cli']>;
    try {
      result = await new Promise((resolve) => {
        const child = spawn(process.execPath, [main, 'status'], { env: stack.env });
        let stdout = '';
        child.stdout.on('data', (chunk) => { stdout += chunk; });
        child.once('exit', (status) => resolve({ status, stdout, stderr: '' }));
      });
    } finally {
      thaw();
    }
    const port = stack.env.CITYTRUST_POSTGRES_PORT;
    assert.equal(result.status, 1);
    assert.match(result.stdout, new RegExp(`  postgres +NO ANSWER +postgres://citytrust_gateway:\\*\\*\\*@127\\.0\\.0\\.1:${port}/citytrust  \\(pid \\d+\\)\\n +did not answer within 2 s at 127\\.0\\.0\\.1:${port}\\n`));
    assert.match(result.stdout, new RegExp(`  gateway +degraded +${stack.gateway}\\n +database: did not answer within 1 s at 127\\.0\\.0\\.1:${port}\\n`));
  });

  it('says when its Postgres dies, restarts it, and the gateway recovers by itself', async () => {
    const first = stack.postmaster();
    process.kill(first, 'SIGKILL');
    await stack.said(`Postgres (pid ${first}) killed by SIGKILL; restarting it in 0.5 s (meanwhile the gateway answers 503 database_unavailable)\n`);
    await stack.said(/Postgres restarted \(pid (\d+)\); the gateway reconnects by itself\n/);
    assert.notEqual(stack.postmaster(), first);
    let health: Response | undefined;
    for (let attempt = 0; attempt < 20 && health?.status !== 200; attempt += 1) {
      health = await fetch(`${stack.gateway}/healthz`);
      if (health.status !== 200) await new Promise((r) => setTimeout(r, 250));
    }
    assert.equal(health?.status, 200);
    assert.equal(stack.cli('status').status, 0);
  });

  it('gives a department its seal key and reconciles the off-chain index it runs, with the CLI against the running stack', () => {
    const keygen = stack.cli('seal', 'keygen', '--department', 'CreditOfficeMSP');
    assert.equal(keygen.status, 0, keygen.stderr);
    const register = stack.cli('seal', 'register', '--department', 'CreditOfficeMSP');
    assert.equal(register.status, 0, register.stderr);
    const reconcile = stack.cli('reconcile');
    assert.equal(reconcile.stderr, '');
    assert.match(reconcile.stdout, /\nno mismatches: the off-chain index matches the ledger\n$/);
    assert.equal(reconcile.status, 0);
  });

  it('refuses a second start on the same home with exit code 1, saying which process runs', () => {
    const second = stack.cli('start');
    assert.equal(second.status, 1);
    assert.equal(second.stdout, '');
    assert.match(second.stderr, new RegExp(`^citytrust start: CityTrust is already running from ${stack.home} \\(pid ${stack.process!.pid}, since [^)]+\\); `));
  });

  it('bootstraps the first admin from the CLI, who can then log in', async () => {
    const passwordFile = join(stack.home, 'admin-password');
    writeFileSync(passwordFile, 'the first admin password\n');
    const created = stack.cli('admin', 'bootstrap', '--username', 'admin.first', '--department', 'BigDataAdministrationMSP', '--password-file', passwordFile);
    assert.equal(created.status, 0, created.stderr);
    assert.equal((await login(stack, 'admin.first', 'the first admin password')).status, 200);
  });

  it('registers a citizen from the CLI, who logs in with a challenge signed by OpenSSL', async () => {
    const key = join(stack.home, 'citizen.pem');
    const publicKey = join(stack.home, 'citizen.pub.pem');
    const identityFile = join(stack.home, 'identity-number');
    spawnSync('openssl', ['genpkey', '-algorithm', 'SM2', '-out', key]);
    spawnSync('openssl', ['pkey', '-in', key, '-pubout', '-out', publicKey]);
    writeFileSync(identityFile, '11010519491231002X\n'); // made up, with a valid check character
    const added = stack.cli('user', 'add', '--username', 'citizen.wu', '--role', 'citizen', '--identity-number-file', identityFile, '--public-key', publicKey);
    assert.equal(added.status, 0, added.stderr);
    assert.match(added.stdout, /created citizen 'citizen.wu' with subject key [0-9a-f]{64}/);
    assert.ok(!added.stdout.includes('19491231'), 'the identity number is not echoed');

    const base = `${stack.gateway}/api/v1/auth/citizen`;
    const post = (url: string, body: unknown) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const { challengeId, challenge } = await (await post(`${base}/challenge`, { username: 'citizen.wu' })).json() as { challengeId: string; challenge: string };
    writeFileSync(join(stack.home, 'challenge.txt'), challenge);
    const signed = spawnSync('openssl', ['pkeyutl', '-sign', '-rawin', '-digest', 'sm3', '-pkeyopt', 'distid:1234567812345678', '-inkey', key, '-in', join(stack.home, 'challenge.txt')]);
    assert.equal(signed.status, 0, signed.stderr.toString());
    const citizenLogin = await post(`${base}/login`, { challengeId, signature: signed.stdout.toString('base64') });
    assert.equal(citizenLogin.status, 200, await citizenLogin.clone().text());
    assert.equal(((await citizenLogin.json()) as { user: { role: string } }).user.role, 'citizen');
  });

  it('starts its children without the admin password and the gateway keys; Postgres with nothing but a locale', () => {
    const environment = (pid: number) => readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean).sort();
    assert.deepEqual(environment(stack.postmaster()), ['LANG=C', 'LC_MESSAGES=C']);
    for (const name of ['ledger', 'chaincode']) {
      const { pid } = JSON.parse(readFileSync(join(stack.home, 'run', `${name}.json`), 'utf8')) as { pid: number };
      const secrets = environment(pid).filter((variable) => /^(GATEWAY_TOKEN_KEY|GATEWAY_SUBJECT_KEY|CITYTRUST_ADMIN_PASSWORD)=/.test(variable));
      assert.deepEqual(secrets, [], `the ${name}'s environment`);
    }
  });
});

describe('citytrust start and Ctrl-C', () => {
  it('stops cleanly with exit code 0 and leaves nothing running; the next start resumes from the saved state', async () => {
    const stack = await Stack.create({ CITYTRUST_ADMIN_USERNAME: 'admin.env', CITYTRUST_ADMIN_PASSWORD: 'an admin password from the environment', CITYTRUST_ADMIN_DEPARTMENT: 'BigDataAdministrationMSP' });
    try {
      await stack.start();
      assert.equal((await login(stack, 'admin.env', 'an admin password from the environment')).status, 200);
      assert.equal(await stack.stop(), 0);
      assert.ok(stack.output.endsWith(`\nSIGINT: stopping CityTrust...\nstopped; state kept in ${stack.home}\n`), stack.output);
      for (const file of ['run/stack.json', 'run/postgres.json', 'postgres/postmaster.pid', 'run/ledger.json', 'run/chaincode.json']) {
        assert.equal(existsSync(join(stack.home, file)), false, `${file} is gone`);
      }
      assert.equal(stack.cli('status').status, 1);

      await stack.start();
      assert.match(stack.output, /Embedded ledger \.\.\. ready  127\.0\.0\.1:\d+, channel citytrust, height 3/);
      assert.equal((await login(stack, 'admin.env', 'an admin password from the environment')).status, 200);
      assert.equal(await stack.stop(), 0);
    } finally {
      await stack.remove();
    }
  });
});

describe('citytrust start fails with exit code 1 and says why', () => {
  /** Runs `start` to its end; it must fail. */
  async function failedStart(stack: Stack): Promise<{ status: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [main, 'start'], { env: stack.env });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk) => { stdout += chunk; });
      child.stderr.on('data', (chunk) => { stderr += chunk; });
      child.once('exit', (status) => resolve({ status, stdout, stderr }));
    });
  }

  function assertNothingLeftRunning(stack: Stack): void {
    for (const file of ['run/stack.json', 'run/postgres.json', 'postgres/postmaster.pid', 'run/ledger.json', 'run/chaincode.json']) {
      assert.equal(existsSync(join(stack.home, file)), false, `${file} is gone: nothing is left running`);
    }
  }

  it('when the gateway\'s port is taken, stopping what it started', async () => {
    const stack = await Stack.create();
    const blocker: Server = await new Promise((resolve) => { const s = createServer().listen(stack.gatewayPort, '127.0.0.1', () => resolve(s)); });
    try {
      const result = await failedStart(stack);
      assert.equal(result.status, 1);
      assert.match(result.stdout, /\[5\/6\] Gateway \.\.\. failed\n$/);
      assert.equal(result.stderr, `citytrust start: port ${stack.gatewayPort} on 127.0.0.1 is already in use, so the gateway cannot listen there; stop whatever uses it or set GATEWAY_PORT\n`);
      assertNothingLeftRunning(stack);
    } finally {
      blocker.close();
      await stack.remove();
    }
  });

  it('when the embedded Postgres\'s port is taken, stopping the ledger it started', async () => {
    const stack = await Stack.create();
    const port = Number(stack.env.CITYTRUST_POSTGRES_PORT);
    const blocker: Server = await new Promise((resolve) => { const s = createServer().listen(port, '127.0.0.1', () => resolve(s)); });
    try {
      const result = await failedStart(stack);
      assert.equal(result.status, 1);
      assert.match(result.stdout, /\[4\/6\] Postgres \(embedded\) \.\.\. failed\n$/);
      assert.equal(result.stderr, `citytrust start: port ${port} on 127.0.0.1 is already in use, so the embedded Postgres cannot listen there. Stop whatever uses it, or choose another port with CITYTRUST_POSTGRES_PORT.\n`);
      assertNothingLeftRunning(stack);
    } finally {
      blocker.close();
      await stack.remove();
    }
  });

  for (const [what, extra, message] of [
    ['a malformed GATEWAY_TOKEN_KEY', { GATEWAY_TOKEN_KEY: 'not-a-key' }, 'GATEWAY_TOKEN_KEY from the environment is not hex: a key must be exactly 64 hex characters (32 bytes); generate one with `openssl rand -hex 32`'],
    ['a GATEWAY_SUBJECT_KEY too short', { GATEWAY_SUBJECT_KEY: 'ab'.repeat(16) }, 'GATEWAY_SUBJECT_KEY from the environment has 32 hex characters: a key must be exactly 64 hex characters (32 bytes); generate one with `openssl rand -hex 32`'],
    ['a GATEWAY_PORT that is not a number', { GATEWAY_PORT: 'eighty' }, 'GATEWAY_PORT is \'eighty\': expected a whole number from 0 to 65535'],
  ] as const) {
    it(`on ${what}, before starting anything`, async () => {
      const stack = await Stack.create(extra);
      try {
        const result = await failedStart(stack);
        assert.equal(result.status, 1);
        assert.equal(result.stdout, '');
        assert.equal(result.stderr, `citytrust start: ${message}\n`);
        assert.equal(existsSync(join(stack.home, 'run')), false, 'nothing was started');
      } finally {
        await stack.remove();
      }
    });
  }

  it('on a key file that others may read, saying how to fix it', async () => {
    const stack = await Stack.create();
    try {
      mkdirSync(join(stack.home, 'secrets'), { mode: 0o700 });
      const file = join(stack.home, 'secrets', 'token-signing.key');
      writeFileSync(file, `${'ab'.repeat(32)}\n`, { mode: 0o644 });
      chmodSync(file, 0o644);
      const result = await failedStart(stack);
      assert.equal(result.status, 1);
      assert.equal(result.stderr, `citytrust start: ${file} may be read by other users (mode 644); make it private with \`chmod 600 ${file}\` and start again\n`);
    } finally {
      await stack.remove();
    }
  });

  it('with exit code 2 and the usage on an unknown option', async () => {
    const stack = await Stack.create();
    try {
      const result = stack.cli('start', '--colour');
      assert.equal(result.status, 2);
      assert.match(result.stderr, /^citytrust start: Unknown option '--colour'.*\n\nusage: citytrust start \[--ledger embedded\|fabric\]\n/s);
    } finally {
      await stack.remove();
    }
  });
});
