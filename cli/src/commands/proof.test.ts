import { after, before, describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canonicalJson, generateSm2KeyPair, sealKeyId, sm2Sign, sm3, type Sm2KeyPair } from '@citytrust/shared';
import {
  buildProofBundle,
  openLedgerClient,
  ProofUnavailableError,
  verifyProofBundle,
  type LedgerClient,
  type NetworkCrypto,
  type NetworkDescription,
  type ProofBundle,
  type ProofCheckId,
  type ProofReport,
} from '@citytrust/network-config';
import { writeTestNetworkDescription } from '@citytrust/network-config/dist/testing/test-network-description';
import {
  damageOrdererSignature,
  flipLastBit,
  setValidationCode,
  smuggleTransaction,
  tampered,
  withBlock,
} from '@citytrust/network-config/dist/proofs/testing/proof-tampering';
import { downEmbeddedNetwork, upEmbeddedNetwork } from '@citytrust/test-network';
import { newTestCa } from '@citytrust/test-network/dist/embedded/msp/testing/test-ca';
import { UsageError } from '../command';
import { proofCommand } from './proof';

/**
 * Proof bundles on a real embedded ledger: a department seals a share trail and a document,
 * the bundle of each verifies offline, and every forged part fails the check that guards it.
 */
const MARKET = 'MarketRegulationMSP';
const CREDIT = 'CreditOfficeMSP';
const MVCC_READ_CONFLICT = 11;
const ALL_CHECKS: ProofCheckId[] = ['transaction', 'data-hash', 'creator', 'trust-roots', 'orderer-signature', 'validation-code', 'seal-recorded', 'seal-digest', 'seal-signature', 'seal-key'];

let home: string;
let description: NetworkDescription;
let crypto: NetworkCrypto;
let client: LedgerClient;
const keys = new Map<string, Sm2KeyPair>();
const trail = {
  department: MARKET,
  officer: 'a1'.repeat(32),
  subject: { kind: 'enterprise', uscc: '914403001922038216' },
  items: ['MR-ENT-BASIC'],
  purpose: 'business-licence.review',
  authorizationId: '',
  caseReference: 'YWTB-2027-000123',
  resultDigest: sm3('the returned record').toString('hex'),
  requestedAt: '2027-01-05T09:30:00Z',
};
let accessTxId: string;
let documentTxId: string;
let accessBundle: ProofBundle;
const savedEnv = { home: process.env.CITYTRUST_HOME, network: process.env.CITYTRUST_NETWORK };

function sealOver(department: string, digest: Buffer) {
  const pair = keys.get(department)!;
  return { keyId: sealKeyId(pair.publicKey), digest: digest.toString('hex'), signature: sm2Sign(pair.privateKey, digest).toString('base64') };
}

async function submit(department: string, contract: string, name: string, ...args: string[]): Promise<string> {
  const submitted = await client.contract(department, contract).submitAsync(name, { arguments: args });
  const status = await submitted.getStatus();
  assert.ok(status.successful, `${contract}:${name} committed as ${status.code}`);
  return submitted.getTransactionId();
}

function failedChecks(report: ProofReport): ProofCheckId[] {
  return report.checks.filter((check) => !check.passed).map((check) => check.id);
}

before(async () => {
  home = mkdtempSync(join(tmpdir(), 'citytrust-proof-'));
  chmodSync(home, 0o755);
  const written = await writeTestNetworkDescription(home);
  description = written.description;
  process.env.CITYTRUST_HOME = home;
  process.env.CITYTRUST_NETWORK = written.path;
  crypto = (await upEmbeddedNetwork({ home, description })).crypto;
  client = openLedgerClient({ description, crypto });
  for (const department of [MARKET, CREDIT]) {
    const pair = generateSm2KeyPair();
    keys.set(department, pair);
    await client.contract(department, 'seal', 'admin').submitTransaction('registerKey', pair.publicKey.toPem(), '2036-01-01T00:00:00Z', '');
  }
  const item = { code: 'MR-ENT-BASIC', name: 'Enterprise registration basics', owner: MARKET, shareType: 'unconditional', sensitivity: 1 };
  await submit(MARKET, 'trail', 'registerDataItem', JSON.stringify(item), JSON.stringify(sealOver(MARKET, sm3(canonicalJson(item)))));
  accessTxId = await submit(MARKET, 'trail', 'recordAccess', JSON.stringify(trail), JSON.stringify(sealOver(MARKET, sm3(canonicalJson(trail)))));
  documentTxId = await submit(MARKET, 'seal', 'attestDocument', JSON.stringify(sealOver(MARKET, sm3('行政许可决定书 No. 2027-001'))));
  accessBundle = await buildProofBundle(client, description, accessTxId);
});

after(async () => {
  client?.close();
  await downEmbeddedNetwork(home).catch(() => undefined);
  rmSync(home, { recursive: true, force: true });
  for (const [name, value] of [['CITYTRUST_HOME', savedEnv.home], ['CITYTRUST_NETWORK', savedEnv.network]] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

describe('a proof bundle of a sealed share trail', () => {
  it('carries the trail as sealed, its seal, the block and the key history, and verifies with every check passing', async () => {
    assert.equal(accessBundle.transactionId, accessTxId);
    assert.deepEqual(accessBundle.sealed.record, trail);
    assert.equal(accessBundle.sealed.event, 'trail.access');
    assert.deepEqual(accessBundle.sealed.sealPath, ['seal']);
    assert.equal(accessBundle.sealed.seal.department, MARKET);
    assert.equal(accessBundle.sealKey.history[0]?.key.keyId, sealKeyId(keys.get(MARKET)!.publicKey));
    assert.deepEqual(accessBundle.ordererRoots.map((o) => o.mspId), [crypto.orderer.mspId]);

    const report = await verifyProofBundle(accessBundle);

    assert.deepEqual(report.checks.map((check) => check.id), ALL_CHECKS);
    assert.deepEqual(failedChecks(report), [], JSON.stringify(report.checks, null, 2));
    assert.equal(report.valid, true);
    assert.equal(report.trustRoots, 'bundle');
    assert.match(report.checks.find((c) => c.id === 'trust-roots')!.reason, /Not pinned/);
  });

  it('verifies against orderer roots the verifier pins from elsewhere', async () => {
    const report = await verifyProofBundle(accessBundle, { trustedOrdererRoots: [crypto.orderer.caCertificatePem] });
    assert.equal(report.valid, true, JSON.stringify(report.checks, null, 2));
    assert.equal(report.trustRoots, 'pinned');
  });

  const forgeries: Array<{ part: string; forge: (bundle: ProofBundle) => ProofBundle; fails: ProofCheckId[] }> = [
    { part: 'a byte of the record', forge: (b) => tampered(b, (c) => { (c.sealed.record as { caseReference: string }).caseReference = 'YWTB-2027-000124'; }), fails: ['seal-digest'] },
    // A changed signature is no longer the one the transaction recorded, nor a valid signature.
    { part: 'the seal\'s signature', forge: (b) => tampered(b, (c) => { c.sealed.seal.signature = flipLastBit(c.sealed.seal.signature); }), fails: ['seal-recorded', 'seal-signature'] },
    { part: 'the block data (a smuggled transaction)', forge: (b) => withBlock(b, smuggleTransaction), fails: ['data-hash'] },
    { part: 'a block signature', forge: (b) => withBlock(b, damageOrdererSignature), fails: ['orderer-signature'] },
    { part: 'the validation code', forge: (b) => withBlock(b, setValidationCode(b.transactionIndex, MVCC_READ_CONFLICT)), fails: ['validation-code'] },
    { part: 'the orderer roots in the bundle', forge: (b) => tampered(b, (c) => { c.ordererRoots[0]!.rootCertificates = [crypto.departments[0]!.caCertificatePem]; }), fails: ['trust-roots'] },
  ];
  for (const { part, forge, fails } of forgeries) {
    it(`fails ${fails.join(' and ')} when ${part} is changed`, async () => {
      const report = await verifyProofBundle(forge(accessBundle));
      assert.equal(report.valid, false);
      assert.deepEqual(failedChecks(report), fails, JSON.stringify(report.checks, null, 2));
    });
  }

  it('fails seal-signature and seal-key when another department\'s key is swapped in, naming whose key it is', async () => {
    const creditKeyId = sealKeyId(keys.get(CREDIT)!.publicKey);
    const creditHistory = JSON.parse(Buffer.from(await client.contract(CREDIT, 'seal').evaluateTransaction('keyHistory', creditKeyId)).toString('utf8')) as ProofBundle['sealKey']['history'];
    // The forger keeps the seal's key id on the swapped key record, so only the key itself betrays it.
    const forged = tampered(accessBundle, (c) => { c.sealKey.history = creditHistory.map((v) => ({ ...v, key: { ...v.key, keyId: c.sealed.seal.keyId } })); });

    const report = await verifyProofBundle(forged);

    assert.deepEqual(failedChecks(report), ['seal-signature', 'seal-key']);
    assert.match(report.checks.find((c) => c.id === 'seal-key')!.reason, /is not SM3 of its public key .*: the key was swapped/);
  });

  it('fails orderer-signature when the verifier pins a foreign orderer root', async () => {
    const foreign = await newTestCa(crypto.orderer.mspId);
    const report = await verifyProofBundle(accessBundle, { trustedOrdererRoots: [foreign.certificatePem] });
    assert.deepEqual(failedChecks(report), ['orderer-signature']);
    assert.match(report.checks.find((c) => c.id === 'orderer-signature')!.reason, /does not chain to the pinned orderer roots/);
  });
});

describe('a proof bundle of a sealed document', () => {
  it('verifies without a record: the seal covers the document\'s digest, which stays off the ledger', async () => {
    const bundle = await buildProofBundle(client, description, documentTxId);
    assert.equal(bundle.sealed.record, undefined);
    assert.deepEqual(bundle.sealed.sealPath, []);
    const report = await verifyProofBundle(bundle);
    assert.deepEqual(report.checks.map((c) => c.id), ALL_CHECKS.filter((id) => id !== 'seal-digest'));
    assert.equal(report.valid, true, JSON.stringify(report.checks, null, 2));
  });

  it('cannot be built for a transaction the ledger does not have', async () => {
    const unknown = '0'.repeat(64);
    await assert.rejects(buildProofBundle(client, description, unknown), (error: unknown) => {
      assert.ok(error instanceof ProofUnavailableError);
      assert.equal(error.reason, 'unknown_transaction');
      assert.equal(error.message, `transaction ${unknown} is not on channel ${description.channel}`);
      return true;
    });
  });
});

describe('citytrust proof get | verify', () => {
  /** Runs the command in this process, as `citytrust proof ...` would; returns its exit code and what it printed. */
  async function proof(...args: string[]): Promise<{ status: number; stdout: string }> {
    const printed: string[] = [];
    const log = mock.method(console, 'log', (line: string) => printed.push(line));
    try {
      return { status: await proofCommand.run(args), stdout: printed.join('\n') };
    } finally {
      log.mock.restore();
    }
  }

  it('writes the bundle of a transaction from the running ledger, and verify says valid with exit 0', async () => {
    const file = join(home, 'access-proof.json');
    const get = await proof('get', accessTxId, '--out', file);
    assert.equal(get.status, 0);
    assert.equal(get.stdout, `wrote the proof of transaction ${accessTxId} (block ${accessBundle.block.number}) to ${file}; check it with \`citytrust proof verify ${file}\``);

    const verify = await proof('verify', file);
    assert.equal(verify.status, 0);
    const lines = verify.stdout.split('\n');
    assert.equal(lines[0], `proof of transaction ${accessTxId} in block ${accessBundle.block.number} on channel ${description.channel}`);
    assert.equal(lines.filter((line) => line.startsWith('  ok  ')).length, ALL_CHECKS.length);
    assert.equal(lines.at(-1), 'valid: every check passed (orderer roots taken from the bundle\'s config block; pin them with --orderer-ca)');
  });

  it('says NOT valid with exit 1 for a forged bundle, and names the failed check', async () => {
    const file = join(home, 'forged-proof.json');
    writeFileSync(file, JSON.stringify(withBlock(accessBundle, setValidationCode(accessBundle.transactionIndex, MVCC_READ_CONFLICT))));
    const ordererCa = join(home, 'orderer-ca.pem');
    writeFileSync(ordererCa, crypto.orderer.caCertificatePem);

    const verify = await proof('verify', file, '--orderer-ca', ordererCa);

    assert.equal(verify.status, 1);
    assert.match(verify.stdout, /\n {2}FAIL {2}validation-code {4}the committing peer marked the transaction MVCC_READ_CONFLICT \(11\)/);
    assert.equal(verify.stdout.split('\n').at(-1), `NOT valid: 1 of ${ALL_CHECKS.length} checks failed`);
  });

  it('prints the report as one JSON object with --json', async () => {
    const file = join(home, 'access-proof.json');
    const verify = await proof('verify', file, '--json');
    const report = JSON.parse(verify.stdout) as ProofReport;
    assert.equal(verify.status, 0);
    assert.equal(report.valid, true);
    assert.equal(report.transactionId, accessTxId);
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), JSON.parse(JSON.stringify(accessBundle)));
  });

  it('is a usage error (exit 2) without the bundle\'s file or with a malformed transaction id', async () => {
    await assert.rejects(proofCommand.run(['verify']), new UsageError('verify needs the bundle\'s file'));
    await assert.rejects(proofCommand.run(['get', 'not-an-id']), new UsageError('get needs a transaction id: 64 lower-case hex characters'));
  });

  it('refuses a file that is not a proof bundle, naming the field', async () => {
    const file = join(home, 'not-a-proof.json');
    writeFileSync(file, JSON.stringify({ ...accessBundle, format: 'citytrust-proof/0' }));
    await assert.rejects(proofCommand.run(['verify', file]), /^ProofBundleFormatError: not a citytrust-proof\/1 proof bundle: \/format: /);
  });
});
