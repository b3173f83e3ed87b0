/**
 * `npm run bench:licenses`: e-licenses on one embedded ledger.
 *
 * - issuance: `LicenseService.issue` (the identifier, two seals in the gateway, the type, case,
 *   identifier, validity, metadata and both seal checks in the chaincode, the commit), one case each;
 * - online verification: `POST /api/v1/licenses/verify` with a QR payload over loopback HTTP, no
 *   login, for 50 licenses the gateway's verification view holds (the QR signature checked in the
 *   gateway, the status from the view, which follows the ledger's events);
 * - the same for a license the view does not hold (forgotten before each request): one
 *   `license:verify` query through the peer and the chaincode, as for a license nobody verified lately;
 * - offline verification: `verifyLicenseQrOffline` in this process, as a phone or the CLI does.
 *
 *   npm run bench:licenses [-- --json] [-- --seconds 4] [-- --concurrency 64]
 *
 * Prints a table; with `--json`, also one JSON object of the figures as the last line. Ledger,
 * chaincode, Postgres and this process (gateway and load) share the machine's cores.
 */
import '@citytrust/chaincode/dist/testing/quiet-chaincode-logs';
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { decodeLicenseQr, sm3, verifyLicenseQrOffline, type SealKey } from '@citytrust/shared';
import { startLedgerTestGateway } from '../test-support/ledger-test-gateway';
import { freePort } from '../test-support/test-gateway';

const MARKET = 'MarketRegulationMSP';
const TYPE = '11320000MB12345675001';
const TARGET = { onlinePerSecond: 1000, onlineP99Ms: 50 } as const;

interface Row { readonly kind: string; readonly concurrency: number; readonly done: number; readonly errors: number; readonly perSecond: number; readonly p50Ms: number; readonly p99Ms: number; readonly firstError?: string }

async function closedLoop(kind: string, concurrency: number, seconds: number, operation: (n: number) => Promise<unknown>): Promise<Row> {
  const latencies: number[] = [];
  let errors = 0;
  let count = 0;
  let firstError: string | undefined;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      try {
        await operation((count += 1));
        latencies.push(performance.now() - t0);
      } catch (error) {
        errors += 1;
        firstError ??= error instanceof Error ? error.message : String(error);
      }
    }
  }));
  return summary(kind, concurrency, latencies, errors, (performance.now() - started) / 1000, firstError);
}

function summary(kind: string, concurrency: number, latencies: number[], errors: number, elapsedSeconds: number, firstError?: string): Row {
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN;
  return { kind, concurrency, done: latencies.length, errors, perSecond: latencies.length / elapsedSeconds, p50Ms: at(0.5), p99Ms: at(0.99), ...(firstError ? { firstError } : {}) };
}

function post(agent: Agent, port: number, path: string, body: object): Promise<void> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request({ agent, host: '127.0.0.1', port, path, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => (response.statusCode === 200 ? resolve() : reject(new Error(`${response.statusCode}: ${Buffer.concat(chunks).toString().slice(0, 300)}`))));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { json: { type: 'boolean', default: false }, seconds: { type: 'string', default: '4' }, concurrency: { type: 'string', default: '64' } } });
  const seconds = Number(values.seconds);
  const concurrency = Number(values.concurrency);
  const gateway = await startLedgerTestGateway({ env: { GATEWAY_RATE_LIMIT_MAX: '1000000' }, sealKeysFor: [MARKET, 'BigDataAdministrationMSP'] });
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const rows: Row[] = [];
  const run = `${process.pid}-${Date.now()}`;
  try {
    const { licenses, seals } = gateway.services;
    const officer = { department: MARKET, userId: 'bench-officer' };
    await licenses.registerType(officer, { code: TYPE, name: '营业执照', issuers: [{ department: MARKET, uscc: '11320000MB12345675' }], supervisors: [], validity: { maxValidityDays: null }, metadataFields: [{ name: 'enterpriseName', label: '名称', required: true }] });
    const issue = (n: number) => licenses.issue(officer, { typeCode: TYPE, holder: { kind: 'enterprise', uscc: '914403001922038216' }, caseReference: `bench-${run}-${n}`, validFrom: '2027-01-01', validUntil: null, metadata: { enterpriseName: '某某科技有限公司' }, documentDigest: sm3(`document ${n}`).toString('hex') });
    const port = await freePort();
    await gateway.server.listen({ host: '127.0.0.1', port });
    await closedLoop('warm-up', 8, 1, (n) => issue(-n));
    rows.push(await closedLoop('issuance', concurrency, seconds, issue));
    const qrs = (await Promise.all(Array.from({ length: 50 }, (_, i) => issue(1_000_000 + i)))).map((issued) => issued.qr);
    const verifyOnline = (n: number) => post(agent, port, '/api/v1/licenses/verify', { qr: qrs[n % qrs.length] });
    await closedLoop('warm-up', 8, 1, verifyOnline);
    rows.push(await closedLoop('online verification', concurrency, seconds, verifyOnline));
    const identifiers = qrs.map((qr) => decodeLicenseQr(qr).identifier);
    rows.push(await closedLoop('online, not held (ledger query)', concurrency, seconds, (n) => {
      gateway.services.licenseView.forget(identifiers[n % identifiers.length]!);
      return verifyOnline(n);
    }));

    const keys: SealKey[] = await seals.ledgerKeys(MARKET);
    const payloads = qrs.map(decodeLicenseQr);
    const latencies: number[] = [];
    const started = performance.now();
    for (let n = 0; performance.now() - started < seconds * 1000; n++) {
      const t0 = performance.now();
      if (!verifyLicenseQrOffline(payloads[n % payloads.length]!, keys).valid) throw new Error('an issued QR does not verify offline');
      latencies.push(performance.now() - t0);
    }
    rows.push(summary('offline verification', 1, latencies, 0, (performance.now() - started) / 1000));
  } finally {
    agent.destroy();
    await gateway.close();
  }

  const online = rows.find((r) => r.kind === 'online verification')!;
  console.log(`E-licenses on the embedded ledger, ${seconds} s per row (machine shared: ledger, chaincode, Postgres, gateway and load)`);
  console.log('');
  console.log('| kind | concurrency | done | errors | per s | p50 ms | p99 ms |');
  console.log('|---|---|---|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.kind} | ${r.concurrency} | ${r.done} | ${r.errors} | ${r.perSecond.toFixed(0)} | ${r.p50Ms.toFixed(2)} | ${r.p99Ms.toFixed(2)} |`);
  for (const r of rows.filter((row) => row.firstError)) console.log(`first error (${r.kind}): ${r.firstError}`);
  console.log('');
  console.log('| goal | value | |');
  console.log('|---|---|---|');
  console.log(`| online verifications / s ≥ ${TARGET.onlinePerSecond} | ${online.perSecond.toFixed(0)} | ${online.perSecond >= TARGET.onlinePerSecond ? 'met' : 'NOT met'} |`);
  console.log(`| online verification p99 ≤ ${TARGET.onlineP99Ms} ms | ${online.p99Ms.toFixed(1)} | ${online.p99Ms <= TARGET.onlineP99Ms ? 'met' : 'NOT met'} |`);
  if (values.json) console.log(JSON.stringify({ seconds, rows, targets: TARGET }));
}

main().then(() => process.exit(0), (error: unknown) => {
  console.error(error);
  process.exit(1);
});
