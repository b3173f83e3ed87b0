/**
 * Gateway benchmark: request rate and p50/p99 latency of an authenticated read
 * (GET /api/v1/me: token check plus user lookup in Postgres) at rising concurrency, against a
 * real `citytrust start` (gateway and embedded Postgres) in its own process, over loopback HTTP.
 *
 *   npm run bench:gateway [-- --json] [-- --seconds 5]
 *
 * Sealed submissions have their own benchmark: `npm run bench:seals` (seals/seals.bench.ts).
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { freePort } from './test-support/test-gateway';

const cli = join(__dirname, '..', '..', 'cli', 'dist', 'main.js');

interface Reading { concurrency: number; requests: number; perSecond: number; p50Ms: number; p99Ms: number; errors: number }

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { json: { type: 'boolean', default: false }, seconds: { type: 'string', default: '5' } } });
  const seconds = Number(values.seconds);
  const home = mkdtempSync(join(tmpdir(), 'citytrust-bench-'));
  chmodSync(home, 0o755);
  const port = await freePort();
  const env = { PATH: process.env.PATH, CITYTRUST_HOME: home, GATEWAY_PORT: String(port), CITYTRUST_POSTGRES_PORT: String(await freePort()), GATEWAY_RATE_LIMIT_MAX: '1000000' };
  const stack = spawn(process.execPath, [cli, 'start'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    await waitFor(stack.stdout!, 'Press Ctrl-C to stop.');
    writeFileSync(join(home, 'pw'), 'benchmark admin password\n');
    const bootstrap = spawnSync(process.execPath, [cli, 'admin', 'bootstrap', '--username', 'bench.admin', '--department', 'BigDataAdministrationMSP', '--password-file', join(home, 'pw')], { env, encoding: 'utf8' });
    if (bootstrap.status !== 0) throw new Error(bootstrap.stderr);
    const login = await fetch(`http://127.0.0.1:${port}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'bench.admin', password: 'benchmark admin password' }) });
    const { token } = (await login.json()) as { token: string };

    const readings: Reading[] = [];
    await load(port, token, 4, 1); // warm up the JIT and the pool
    for (const concurrency of [1, 8, 32]) readings.push(await load(port, token, concurrency, seconds));

    console.log(`\nGET /api/v1/me (authenticated read), ${seconds} s per row, citytrust start (gateway and its embedded Postgres) in child processes, 2 cores shared with this load generator\n`);
    console.log('concurrency   requests   req/s    p50 ms   p99 ms   errors');
    for (const r of readings) {
      console.log(`${String(r.concurrency).padStart(11)}   ${String(r.requests).padStart(8)}   ${r.perSecond.toFixed(0).padStart(5)}   ${r.p50Ms.toFixed(2).padStart(6)}   ${r.p99Ms.toFixed(2).padStart(6)}   ${String(r.errors).padStart(6)}`);
    }
    console.log('\nsealed submission: not measured; it needs the Fabric network, which cannot be built here yet.');
    if (values.json) console.log(JSON.stringify({ benchmark: 'gateway', read: readings, sealedSubmission: null }));
  } finally {
    stack.kill('SIGINT');
    await new Promise((resolve) => stack.once('exit', resolve));
    rmSync(home, { recursive: true, force: true });
  }
}

/** A closed loop: `concurrency` clients each send the next request as soon as the last answers. */
async function load(port: number, token: string, concurrency: number, seconds: number): Promise<Reading> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies: number[] = [];
  let errors = 0;
  const end = process.hrtime.bigint() + BigInt(seconds * 1e9);
  const client = async () => {
    while (process.hrtime.bigint() < end) {
      const started = process.hrtime.bigint();
      const status = await get(agent, port, token);
      if (status === 200) latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
      else errors += 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, client));
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN;
  return { concurrency, requests: latencies.length, perSecond: latencies.length / seconds, p50Ms: at(0.5), p99Ms: at(0.99), errors };
}

function get(agent: Agent, port: number, token: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/api/v1/me', agent, headers: { authorization: `Bearer ${token}` } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.end();
  });
}

function waitFor(stream: NodeJS.ReadableStream, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`the stack did not start within 60 s:\n${seen}`)), 60_000);
    stream.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes(text)) { clearTimeout(timer); resolve(); }
    });
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
