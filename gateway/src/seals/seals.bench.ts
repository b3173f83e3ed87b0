/**
 * `npm run bench:seals`: what sealing costs. Sealed submissions (the signing service: SM2 sign
 * in the gateway, SM2 check in the chaincode, attestation committed) against unsealed ones
 * (`system:emit`: a composite key and an event of the same size) through the gateway's ledger port, in alternating
 * rounds of the same run on one embedded ledger; then seal checks per second in the chaincode's
 * own code (requireSealedDigest over an in-memory ledger), next to the gateway's SM2 sign rate.
 *
 *   npm run bench:seals [-- --json] [-- --seconds 5] [-- --rounds 2] [-- --concurrency 64]
 *
 * Prints a table; with `--json`, also one JSON object of the figures as the last line. The
 * ledger, the chaincode and this process (gateway and client) share the machine's cores.
 */
import '@citytrust/chaincode/dist/testing/quiet-chaincode-logs';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { canonicalJson, generateSm2KeyPair, sealKeyId, sm2Sign, sm2Verify, sm3 } from '@citytrust/shared';
import { requireSealedDigest } from '@citytrust/chaincode/dist/seals/seal-verification';
import { InMemoryLedger } from '@citytrust/chaincode/dist/testing/in-memory-ledger';
import { MARKET_REGULATION_ADMIN_PEM, MARKET_REGULATION_CLIENT_PEM } from '@citytrust/chaincode/dist/testing/test-department-certificates';
import { SealContract } from '@citytrust/chaincode';
import { startLedgerTestGateway } from '../test-support/ledger-test-gateway';

const TARGET_RATIO = 0.9;
const CHECKS_IN_FLIGHT = 8;
const FIVE_YEARS_ON = new Date(Date.now() + 5 * 365 * 86_400_000).toISOString();
const DEPARTMENT = 'MarketRegulationMSP';

interface Round { readonly kind: 'sealed' | 'unsealed'; readonly committed: number; readonly errors: number; readonly seconds: number; readonly perSecond: number }

/** Keeps `concurrency` operations in flight for `seconds`; counts those that resolved. */
async function closedLoop(kind: Round['kind'], concurrency: number, seconds: number, operation: () => Promise<unknown>): Promise<Round> {
  const started = performance.now();
  const deadline = started + seconds * 1000;
  let committed = 0;
  let errors = 0;
  let firstError: unknown;
  const worker = async () => {
    while (performance.now() < deadline) {
      try {
        await operation();
        committed += 1;
      } catch (error) {
        errors += 1;
        firstError ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  if (firstError) console.error(`${kind}: ${errors} failed; first: ${firstError instanceof Error ? firstError.message : String(firstError)}`);
  const elapsed = (performance.now() - started) / 1000;
  return { kind, committed, errors, seconds: elapsed, perSecond: committed / elapsed };
}

/** Calls per second of a synchronous function, over about `seconds`. */
function rate(seconds: number, work: () => unknown): number {
  const started = performance.now();
  let calls = 0;
  while (performance.now() - started < seconds * 1000) {
    for (let i = 0; i < 100; i++) work();
    calls += 100;
  }
  return calls / ((performance.now() - started) / 1000);
}

/** Seal checks per second in the chaincode's code path: key read, time checks, SM2 verify. */
async function chaincodeChecksPerSecond(seconds: number): Promise<number> {
  const ledger = new InMemoryLedger();
  const keys = generateSm2KeyPair();
  const register = ledger.newTransaction({ creator: { mspId: DEPARTMENT, certificatePem: MARKET_REGULATION_ADMIN_PEM } });
  await new SealContract().registerKey(register.context(), keys.publicKey.toPem(), FIVE_YEARS_ON, '');
  ledger.commit(register);
  const digest = sm3('a record');
  const seal = { keyId: sealKeyId(keys.publicKey), digest: digest.toString('hex'), signature: sm2Sign(keys.privateKey, digest).toString('base64') };
  // As many checks in flight as a busy chaincode has transactions: the SM2 verify runs on the
  // thread pool, so checks overlap.
  const started = performance.now();
  let checks = 0;
  await Promise.all(Array.from({ length: CHECKS_IN_FLIGHT }, async () => {
    while (performance.now() - started < seconds * 1000) {
      await requireSealedDigest(ledger.newTransaction({ creator: { mspId: DEPARTMENT, certificatePem: MARKET_REGULATION_CLIENT_PEM } }).context(), seal);
      checks += 1;
    }
  }));
  return checks / ((performance.now() - started) / 1000);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: {
    json: { type: 'boolean', default: false }, seconds: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '2' }, concurrency: { type: 'string', default: '64' },
  } });
  const seconds = Number(values.seconds);
  const rounds = Number(values.rounds);
  const concurrency = Number(values.concurrency);

  const gateway = await startLedgerTestGateway({ sealKeysFor: [DEPARTMENT], sealKeysValidUntil: FIVE_YEARS_ON });
  const { ledger, description } = gateway;
  const results: Round[] = [];
  try {
    const sealed = () => gateway.services.seals.sealDocument(DEPARTMENT, randomBytes(32));
    // The unsealed twin of an attestation: `system:emit` writes a composite key and sets an
    // event with the same bytes an attestation stores, with no seal to make or check.
    const sample = canonicalJson({ department: DEPARTMENT, digest: '0'.repeat(64), keyId: '0'.repeat(64), sealedAt: new Date().toISOString(), signature: 'A'.repeat(96), transactionId: '0'.repeat(64) });
    const unsealed = () => ledger.submit({ department: DEPARTMENT, contract: 'system', transaction: 'emit', arguments: ['bench.document', sample] });
    await closedLoop('unsealed', concurrency, 1, unsealed); // warm-up: connections, JIT, the key cache
    await closedLoop('sealed', concurrency, 1, sealed);
    for (let round = 0; round < rounds; round++) {
      results.push(await closedLoop('unsealed', concurrency, seconds, unsealed));
      results.push(await closedLoop('sealed', concurrency, seconds, sealed));
    }
  } finally {
    await gateway.close();
  }

  const total = (kind: Round['kind']) => {
    const rows = results.filter((r) => r.kind === kind);
    return rows.reduce((sum, r) => sum + r.committed, 0) / rows.reduce((sum, r) => sum + r.seconds, 0);
  };
  const sealedPerSecond = total('sealed');
  const unsealedPerSecond = total('unsealed');
  const ratio = sealedPerSecond / unsealedPerSecond;
  const keys = generateSm2KeyPair();
  const digest = sm3('x');
  const signature = sm2Sign(keys.privateKey, digest);
  const gatewaySignsPerSecond = rate(1, () => sm2Sign(keys.privateKey, digest));
  const gatewayVerifiesPerSecond = rate(1, () => sm2Verify(keys.publicKey, digest, signature));
  const chaincodeChecks = await chaincodeChecksPerSecond(2);

  console.log(`Seals: concurrency ${concurrency}, ${rounds} alternating rounds of ${seconds} s, on the embedded ledger (MAJORITY of ${description.departments.length} departments)`);
  console.log('');
  console.log('| round | kind | committed | errors | tx/s |');
  console.log('|---|---|---|---|---|');
  results.forEach((r, i) => console.log(`| ${Math.floor(i / 2) + 1} | ${r.kind} | ${r.committed} | ${r.errors} | ${r.perSecond.toFixed(0)} |`));
  console.log('');
  console.log('| figure | value | goal |');
  console.log('|---|---|---|');
  console.log(`| sealed submissions / s | ${sealedPerSecond.toFixed(0)} | |`);
  console.log(`| unsealed submissions / s | ${unsealedPerSecond.toFixed(0)} | |`);
  console.log(`| sealed / unsealed | ${ratio.toFixed(2)} | ≥ ${TARGET_RATIO} ${ratio >= TARGET_RATIO ? 'met' : 'NOT met'} |`);
  console.log(`| seal checks / s in the chaincode's code (${CHECKS_IN_FLIGHT} in flight) | ${chaincodeChecks.toFixed(0)} | |`);
  console.log(`| SM2 verifies / s, gateway process | ${gatewayVerifiesPerSecond.toFixed(0)} | |`);
  console.log(`| SM2 signs / s, gateway process | ${gatewaySignsPerSecond.toFixed(0)} | |`);
  if (values.json) {
    console.log(JSON.stringify({ concurrency, seconds, rounds: results, sealedPerSecond, unsealedPerSecond, ratio, targetRatio: TARGET_RATIO, chaincodeChecksPerSecond: chaincodeChecks, gatewayVerifiesPerSecond, gatewaySignsPerSecond }));
  }
}

main().then(() => process.exit(0), (error: unknown) => {
  console.error(error);
  process.exit(1);
});
