/**
 * `npm run bench:trails`: data-sharing trails at rising load on one embedded ledger, in the same
 * run as their baseline, a trivial one-key write (`system:put`) through the gateway's ledger port:
 *
 * - sealed trail: `trail:recordAccess` of a sealed record through the gateway's seal service (the
 *   trail alone: seal in the gateway, seal and authorization checks in the chaincode, commit);
 * - REST exchange: `POST /api/v1/exchange` over loopback HTTP, the whole journey an officer
 *   makes (token, `trail:checkAccess`, the demo source in Postgres, the sealed trail, the answer).
 *
 *   npm run bench:trails [-- --json] [-- --seconds 4] [-- --concurrency 1,16,64] [-- --kinds exchange]
 *
 * `--kinds` picks some of `trivial`, `trail` and `exchange` (all by default), e.g. to profile one.
 *
 * `CPU ms / op` is the CPU the whole stack (this process and every process under it) spent per
 * committed operation: on a shared or busy machine it is steadier than the rate.
 *
 * Prints a table; with `--json`, also one JSON object of the figures as the last line. Ledger,
 * chaincode, Postgres and this process (gateway and load) share the machine's cores.
 */
import '@citytrust/chaincode/dist/testing/quiet-chaincode-logs';
import { randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { processTreeCpuSeconds } from '@citytrust/test-network/dist/bench/process-tree-cpu';
import { startLedgerTestGateway } from '../test-support/ledger-test-gateway';
import { freePort } from '../test-support/test-gateway';

const MARKET = 'MarketRegulationMSP';
const CREDIT = 'CreditOfficeMSP';
const TARGET = { ratio: 0.8, restPerSecond: 400 } as const;
const PURPOSE = 'credit-repair.review';

type Kind = 'trivial write' | 'sealed trail' | 'REST exchange';
interface Row {
  readonly kind: Kind; readonly concurrency: number; readonly committed: number; readonly errors: number; readonly perSecond: number; readonly p50Ms: number; readonly p99Ms: number;
  /** CPU of the whole stack (this process, ledger, chaincode, Postgres) per committed operation. */
  readonly cpuMsPerOp: number;
  readonly firstError?: string;
}

async function closedLoop(kind: Kind, concurrency: number, seconds: number, operation: () => Promise<unknown>): Promise<Row> {
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const cpuBefore = processTreeCpuSeconds();
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      try {
        await operation();
        latencies.push(performance.now() - t0);
      } catch (error) {
        errors += 1;
        firstError ??= error instanceof Error ? error.message : String(error);
      }
    }
  }));
  const elapsed = (performance.now() - started) / 1000;
  const cpuMsPerOp = ((processTreeCpuSeconds() - cpuBefore) * 1000) / latencies.length;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN;
  return { kind, concurrency, committed: latencies.length, errors, perSecond: latencies.length / elapsed, p50Ms: at(0.5), p99Ms: at(0.99), cpuMsPerOp, ...(firstError ? { firstError } : {}) };
}

function post(agent: Agent, port: number, path: string, token: string, body: object): Promise<void> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request({ agent, host: '127.0.0.1', port, path, method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => (response.statusCode === 200 ? resolve() : reject(new Error(`${response.statusCode}: ${Buffer.concat(chunks).toString().slice(0, 300)}`))));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { json: { type: 'boolean', default: false }, seconds: { type: 'string', default: '4' }, concurrency: { type: 'string', default: '1,16,64' }, kinds: { type: 'string', default: 'trivial,trail,exchange' } } });
  const seconds = Number(values.seconds);
  const levels = values.concurrency.split(',').map(Number);
  const kinds = values.kinds.split(',');
  const unknown = kinds.filter((kind) => !['trivial', 'trail', 'exchange'].includes(kind));
  if (unknown.length > 0) throw new Error(`--kinds takes trivial, trail and exchange, not ${unknown.join(', ')}`);

  const gateway = await startLedgerTestGateway({ env: { GATEWAY_RATE_LIMIT_MAX: '1000000' } });
  const { ledger, description } = gateway;
  const agent = new Agent({ keepAlive: true, maxSockets: Math.max(...levels) });
  const rows: Row[] = [];
  try {
    const { seals, trails } = gateway.services;
    const admin = { department: MARKET, userId: 'bench-admin' };
    await trails.registerDataItem(admin, { code: 'MR-ENT-BASIC', name: '企业基本信息', shareType: 'conditional', sensitivity: 2 });
    const basis = await trails.registerLegalBasis(admin, { grantee: CREDIT, items: ['MR-ENT-BASIC'], purpose: PURPOSE, scenario: 'bench', validFrom: new Date(Date.now() - 60_000).toISOString(), validUntil: new Date(Date.now() + 86_400_000).toISOString() });
    const officer = await gateway.userWithToken('department-officer', CREDIT);
    const port = await freePort();
    await gateway.server.listen({ host: '127.0.0.1', port });

    // Each operation names a fresh enterprise-like subject, as real traffic spreads over subjects;
    // the USCC check character does not matter to the cost, so one valid code serves.
    const uscc = '914403001922038216';
    const trivial = () => ledger.submit({ department: CREDIT, contract: 'system', transaction: 'put', arguments: [`bench~${randomBytes(12).toString('hex')}`, 'x'.repeat(64)] });
    const trail = () => seals.submitSealedRecord(CREDIT, { contract: 'trail', transaction: 'recordAccess' }, {
      department: CREDIT, officer: 'b'.repeat(64), subject: { kind: 'enterprise', uscc }, items: ['MR-ENT-BASIC'], purpose: PURPOSE,
      authorizationId: basis.authorizationId, caseReference: `bench-${randomBytes(6).toString('hex')}`, resultDigest: randomBytes(32).toString('hex'), requestedAt: new Date().toISOString(),
    });
    const exchange = () => post(agent, port, '/api/v1/exchange', officer.token, { subject: { kind: 'enterprise', uscc }, items: ['MR-ENT-BASIC'], purpose: PURPOSE, authorizationId: basis.authorizationId, caseReference: `bench-${randomBytes(6).toString('hex')}` });
    const operations = ([['trivial', 'trivial write', trivial], ['trail', 'sealed trail', trail], ['exchange', 'REST exchange', exchange]] as const)
      .filter(([name]) => kinds.includes(name));
    for (const [, kind, operation] of operations) await closedLoop(kind, 8, 1, operation); // warm-up
    for (const concurrency of levels) {
      for (const [, kind, operation] of operations) rows.push(await closedLoop(kind, concurrency, seconds, operation));
    }
  } finally {
    agent.destroy();
    await gateway.close();
  }

  const top = Math.max(...levels);
  const rate = (kind: Kind) => rows.find((r) => r.kind === kind && r.concurrency === top)?.perSecond ?? Number.NaN;
  const trailRatio = rate('sealed trail') / rate('trivial write');
  const restRatio = rate('REST exchange') / rate('trivial write');
  console.log(`Trails on the embedded ledger (MAJORITY of ${description.departments.length} departments), ${seconds} s per row`);
  console.log('');
  console.log('| kind | concurrency | committed | errors | per s | p50 ms | p99 ms | CPU ms / op |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.kind} | ${r.concurrency} | ${r.committed} | ${r.errors} | ${r.perSecond.toFixed(0)} | ${r.p50Ms.toFixed(1)} | ${r.p99Ms.toFixed(1)} | ${r.cpuMsPerOp.toFixed(2)} |`);
  for (const r of rows.filter((row) => row.firstError)) console.log(`first error (${r.kind}, c=${r.concurrency}): ${r.firstError}`);
  console.log('');
  console.log('| figure (at the top concurrency) | value | goal |');
  console.log('|---|---|---|');
  console.log(`| sealed trail / trivial write | ${trailRatio.toFixed(2)} | ≥ ${TARGET.ratio} ${trailRatio >= TARGET.ratio ? 'met' : 'NOT met'} |`);
  console.log(`| REST exchange / trivial write | ${restRatio.toFixed(2)} | |`);
  console.log(`| REST exchanges / s | ${rate('REST exchange').toFixed(0)} | ≥ ${TARGET.restPerSecond} ${rate('REST exchange') >= TARGET.restPerSecond ? 'met' : 'NOT met'} |`);
  if (values.json) console.log(JSON.stringify({ seconds, rows, trailRatio, restRatio, restPerSecond: rate('REST exchange'), targets: TARGET }));
}

main().then(() => process.exit(0), (error: unknown) => {
  console.error(error);
  process.exit(1);
});
