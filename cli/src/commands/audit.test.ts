import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { canonicalJson, generateSm2KeyPair, sealKeyId, sm2Sign, sm3 } from '@citytrust/shared';
import type { AuditBundle } from '@citytrust/gateway';
import { startLedgerTestGateway, type LedgerTestGateway } from '@citytrust/gateway/dist/test-support/ledger-test-gateway';
import { identityNumberProblem } from '@citytrust/gateway';
import { newGpgHome, type GpgHome } from '@citytrust/gateway/dist/test-support/gpg-home';

/**
 * `citytrust audit verify` on real audit bundles, exported by an auditor from a gateway on an
 * embedded ledger with the indexer running: a genuine bundle is valid, and each kind of
 * tampering is refused with exit 1, naming the first failing entry and check.
 */
const main = join(__dirname, '..', 'main.js');
const MARKET = 'MarketRegulationMSP';
const CREDIT = 'CreditOfficeMSP';
const ITEM = 'MR-PERSON-AUDIT-CLI';
const PURPOSE = 'credit-repair.review';

function citytrust(args: string[], env: Record<string, string> = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [main, ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, ...env } }, (error, stdout, stderr) => {
      resolve({ status: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
    });
  });
}

let gateway: LedgerTestGateway;
let gpg: GpgHome;
let dir: string;
let auditor: string;
/** The identity number whose trails `bundle` holds. */
let person: string;
let bundle: AuditBundle;
let other: AuditBundle;
let people = 0;

function identityNumber(): string {
  people += 1;
  const digits = `4401${String(process.pid % 100).padStart(2, '0')}1979${String(people).padStart(7, '0')}`;
  const number = [...'0123456789X'].map((check) => digits + check).find((candidate) => identityNumberProblem(candidate) === undefined);
  assert.ok(number);
  return number;
}

async function post(url: string, token: string, body: object): Promise<{ status: number; text: string; body: any }> {
  const response = await gateway.server.inject({ method: 'POST', url, headers: { authorization: `Bearer ${token}` }, payload: body });
  return { status: response.statusCode, text: response.body, body: response.json() };
}

/** A copy of the bundle changed by `change`, written to a file; the file's path. */
function tampered(name: string, change: (copy: AuditBundle) => void): string {
  const copy = structuredClone(bundle);
  change(copy);
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(copy));
  return file;
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'citytrust-audit-verify-'));
  gateway = await startLedgerTestGateway({ offchainIndex: true });
  const admin = (await gateway.userWithToken('admin', MARKET)).token;
  assert.equal((await post('/api/v1/catalog/items', admin, { code: ITEM, name: '个人信息', shareType: 'conditional', sensitivity: 3 })).status, 201);
  const basis = await post('/api/v1/authorizations/legal-bases', admin, { grantee: CREDIT, items: [ITEM], purpose: PURPOSE, scenario: '一网通办: 信用修复', validFrom: new Date(Date.now() - 60_000).toISOString(), validUntil: new Date(Date.now() + 365 * 86_400_000).toISOString() });
  assert.equal(basis.status, 201, basis.text);
  const officer = (await gateway.userWithToken('department-officer', CREDIT)).token;
  auditor = (await gateway.userWithToken('auditor')).token;
  const exportFor = async (person: string, accesses: number): Promise<AuditBundle> => {
    const trailIds: string[] = [];
    for (let i = 0; i < accesses; i++) {
      const access = await post('/api/v1/exchange', officer, { subject: { kind: 'person', identityNumber: person }, items: [ITEM], purpose: PURPOSE, authorizationId: basis.body.authorizationId, caseReference: `CLI-${i}` });
      assert.equal(access.status, 200, access.text);
      trailIds.push(access.body.receipt.trailId);
    }
    await gateway.untilIndexed(...trailIds);
    const exported = await post('/api/v1/audit/bundles', auditor, { subject: { kind: 'person', identityNumber: person } });
    assert.equal(exported.status, 200, exported.text.slice(0, 300));
    return exported.body;
  };
  person = identityNumber();
  bundle = await exportFor(person, 3);
  other = await exportFor(identityNumber(), 1);
  writeFileSync(join(dir, 'bundle.json'), JSON.stringify(bundle));
  gpg = newGpgHome();
});

/** The bundle of the person's trails exported encrypted to `openpgpPublicKey`, written to `<name>.json.pgp`; the file's path. */
async function exportEncrypted(name: string, openpgpPublicKey: string): Promise<string> {
  const response = await gateway.server.inject({ method: 'POST', url: '/api/v1/audit/bundles', headers: { authorization: `Bearer ${auditor}` }, payload: { subject: { kind: 'person', identityNumber: person }, openpgpPublicKey } });
  assert.deepEqual([response.statusCode, response.headers['content-type']], [200, 'application/pgp-encrypted'], response.body.slice(0, 300));
  const file = join(dir, `${name}.json.pgp`);
  writeFileSync(file, response.rawPayload);
  return file;
}

after(async () => {
  await gateway?.close();
  await gpg?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('citytrust audit verify', () => {
  it('says valid and exits 0 for the bundle the gateway exported, with every check listed', async () => {
    const result = await citytrust(['audit', 'verify', join(dir, 'bundle.json')]);
    assert.equal(result.status, 0, result.stdout + result.stderr);
    const lines = result.stdout.trimEnd().split('\n');
    assert.match(lines[0]!, /^audit bundle of 3 trails, exported by auditor\.\d+ at \S+Z, sealed by BigDataAdministrationMSP$/);
    assert.match(lines[1]!, /^query: \{"subject":\{"kind":"person","subjectKey":"[0-9a-f]{64}"\}\}$/);
    assert.deepEqual(lines.slice(2, -1).map((line) => line.trim().split(/\s+/).slice(0, 2).join(' ')), ['ok manifest-digest', 'ok seal-key', 'ok manifest-signature', 'ok manifest-attestation', 'ok blocks', 'ok entries']);
    assert.match(lines.at(-2)!, /3 of 3 entries valid/);
    assert.equal(lines.at(-1), 'valid: every check passed (orderer roots taken from the bundle\'s config blocks; pin them with --orderer-ca)');
  });

  it('pins the orderer roots with --orderer-ca and prints the report as JSON with --json', async () => {
    const ordererCa = join(dir, 'orderer-ca.pem');
    writeFileSync(ordererCa, bundle.seal.attestation.ordererRoots.flatMap((roots) => roots.rootCertificates).join('\n'));
    const result = await citytrust(['audit', 'verify', join(dir, 'bundle.json'), '--orderer-ca', ordererCa, '--json']);
    assert.equal(result.status, 0, result.stdout + result.stderr);
    const report = JSON.parse(result.stdout) as { valid: boolean; trustRoots: string; entriesValid: number };
    assert.deepEqual([report.valid, report.trustRoots, report.entriesValid], [true, 'pinned', 3]);
  });

  const refusals: [string, (copy: AuditBundle) => void, RegExp][] = [
    ['an entry changed', (copy) => { copy.entries[1]!.trail.purpose = 'nothing to see'; },
      /^NOT valid: entry 2 \(trail [0-9a-f]{64}\) failed entry-digest: SM3 of the entry is [0-9a-f]{64}, not [0-9a-f]{64} as the manifest lists: the entry was changed after sealing$/m],
    ['an entry removed', (copy) => { copy.entries.splice(2, 1); },
      /^NOT valid: entry 3 \(trail [0-9a-f]{64}\) failed entry-present: listed in the manifest but not in the bundle: removed after sealing$/m],
    ['an entry added', (copy) => { copy.entries.push(other.entries[0]!); },
      /^NOT valid: entry 4 \(trail [0-9a-f]{64}\) failed entry-listed: in the bundle but not in the manifest: added after sealing$/m],
    ['the manifest changed', (copy) => { copy.manifest.auditor = 'someone.else'; },
      /^NOT valid: the manifest failed manifest-digest: SM3 of the manifest is [0-9a-f]{64}, not the digest the seal signs \([0-9a-f]{64}\): the manifest was changed after it was sealed$/m],
    ['the manifest re-signed by another key', (copy) => {
      copy.manifest.entries.splice(0, 1);
      copy.entries.splice(0, 1);
      const forger = generateSm2KeyPair();
      const digest = sm3(canonicalJson(copy.manifest));
      Object.assign(copy.seal, { digest: digest.toString('hex'), keyId: sealKeyId(forger.publicKey), publicKey: forger.publicKey.toPem(), signature: sm2Sign(forger.privateKey, digest).toString('base64') });
    }, /^NOT valid: the manifest failed manifest-attestation: the ledger attested a seal over [0-9a-f]{64} by key [0-9a-f]{64}, not this seal .*: the manifest was re-signed/m],
    // The last byte is in the block's metadata: the trails' proofs pass with it changed, the manifest's digest does not.
    ['a block changed', (copy) => { const block = Buffer.from(copy.blocks.at(-1)!.bytes, 'base64'); block[block.length - 1]! ^= 1; copy.blocks.at(-1)!.bytes = block.toString('base64'); },
      /^NOT valid: block \d+ failed block-digest: SM3 of its bytes is [0-9a-f]{64}, not [0-9a-f]{64} as the manifest lists: the block was changed$/m],
  ];
  for (const [what, change, verdict] of refusals) {
    it(`refuses a bundle with ${what}: exit 1, naming the first failing entry and check`, async () => {
      const result = await citytrust(['audit', 'verify', tampered(what.replace(/ /g, '-'), change)]);
      assert.equal(result.status, 1, result.stdout + result.stderr);
      assert.match(result.stdout, verdict);
    });
  }

  it('says why a file is not a bundle (exit 1), and shows the usage for a wrong call (exit 2)', async () => {
    writeFileSync(join(dir, 'proof.json'), JSON.stringify(bundle.seal.attestation));
    const notBundle = await citytrust(['audit', 'verify', join(dir, 'proof.json')]);
    assert.equal(notBundle.status, 1);
    assert.equal(notBundle.stderr, 'citytrust audit: not a citytrust-audit-bundle/1 audit bundle: /format: "citytrust-proof/1", not \'citytrust-audit-bundle/1\' (a single proof: check it with `citytrust proof verify`)\n');
    const usage = await citytrust(['audit', 'check', join(dir, 'bundle.json')]);
    assert.equal(usage.status, 2);
    assert.match(usage.stderr, /^citytrust audit: unknown action 'check'; one of verify\n\nusage: citytrust audit verify <file>/);
  });
});

describe('citytrust audit verify of a bundle encrypted to the auditor\'s OpenPGP key', () => {
  it('decrypts it with an openpgp.js key given by --pgp-key, its passphrase in CITYTRUST_PGP_PASSPHRASE or --pgp-passphrase-file, and checks it: valid, exit 0; a wrong passphrase is named, exit 1', async () => {
    const openpgp = await import('openpgp');
    const key = await openpgp.generateKey({ userIDs: [{ email: 'audit.js@example.org' }], passphrase: 'correct horse battery', format: 'armored' });
    const file = await exportEncrypted('to-openpgp-js', key.publicKey);
    const keyFile = join(dir, 'openpgp-js.key.asc');
    writeFileSync(keyFile, key.privateKey);

    const result = await citytrust(['audit', 'verify', file, '--pgp-key', keyFile], { CITYTRUST_PGP_PASSPHRASE: 'correct horse battery' });
    assert.equal(result.status, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /^audit bundle of 3 trails, exported by auditor\.\d+ at /);
    assert.match(result.stdout, /\nvalid: every check passed /);

    const wrong = await citytrust(['audit', 'verify', file, '--pgp-key', keyFile], { CITYTRUST_PGP_PASSPHRASE: 'wrong' });
    assert.equal(wrong.status, 1, wrong.stdout + wrong.stderr);
    assert.match(wrong.stderr, /^citytrust audit: the passphrase does not unlock private key [0-9A-F]{40} \(.+\)\n$/);
    const passphraseFile = join(dir, 'passphrase.txt');
    writeFileSync(passphraseFile, 'correct horse battery\n');
    const fromFile = await citytrust(['audit', 'verify', file, '--pgp-key', keyFile, '--pgp-passphrase-file', passphraseFile]);
    assert.equal(fromFile.status, 0, fromFile.stdout + fromFile.stderr);
  });

  it('decrypts it with a key made by gpg and exported with --export-secret-keys; or gpg decrypts it and the JSON verifies', async () => {
    await gpg.generateKey('audit.gpg@example.org', 'encrypt');
    const file = await exportEncrypted('to-gpg', await gpg.exportPublicKey('audit.gpg@example.org'));
    const keyFile = join(dir, 'gpg.key.asc');
    writeFileSync(keyFile, await gpg.exportPrivateKey('audit.gpg@example.org'));
    const direct = await citytrust(['audit', 'verify', file, '--pgp-key', keyFile]);
    assert.equal(direct.status, 0, direct.stdout + direct.stderr);
    assert.match(direct.stdout, /\nvalid: every check passed /);

    const decrypted = join(dir, 'decrypted-by-gpg.json');
    writeFileSync(decrypted, await gpg.decrypt(readFileSync(file)));
    const afterGpg = await citytrust(['audit', 'verify', decrypted]);
    assert.equal(afterGpg.status, 0, afterGpg.stdout + afterGpg.stderr);
  });

  it('without --pgp-key says it is encrypted and exactly what to give (exit 2); with another key, that it was encrypted to another (exit 1)', async () => {
    const openpgp = await import('openpgp');
    const [recipient, stranger] = await Promise.all([
      openpgp.generateKey({ userIDs: [{ email: 'recipient@example.org' }], format: 'armored' }),
      openpgp.generateKey({ userIDs: [{ email: 'stranger@example.org' }], format: 'armored' }),
    ]);
    const file = await exportEncrypted('to-recipient', recipient.publicKey);
    const noKey = await citytrust(['audit', 'verify', file]);
    assert.equal(noKey.status, 2, noKey.stdout + noKey.stderr);
    assert.equal(noKey.stderr.split('\n')[0], `citytrust audit: ${file} is an audit bundle encrypted with OpenPGP: give the private key it was encrypted to with --pgp-key <armored key file> (its passphrase, if any, with --pgp-passphrase-file <file> or in CITYTRUST_PGP_PASSPHRASE), or decrypt it first: gpg --decrypt ${file} > bundle.json`);

    const strangerKey = join(dir, 'stranger.key.asc');
    writeFileSync(strangerKey, stranger.privateKey);
    const otherKey = await citytrust(['audit', 'verify', file, '--pgp-key', strangerKey]);
    assert.equal(otherKey.status, 1, otherKey.stdout + otherKey.stderr);
    assert.match(otherKey.stderr, /^citytrust audit: the bundle does not decrypt with key [0-9A-F]{40} \(.+\): it was encrypted to another key; give the private key whose public half was sent with the export\n$/);

    const recipientKey = join(dir, 'recipient.key.asc');
    writeFileSync(recipientKey, recipient.privateKey);
    const cut = join(dir, 'cut-short.json.pgp');
    const whole = readFileSync(file);
    writeFileSync(cut, whole.subarray(0, whole.length >> 1));
    const cutShort = await citytrust(['audit', 'verify', cut, '--pgp-key', recipientKey]);
    assert.equal(cutShort.status, 1, cutShort.stdout + cutShort.stderr);
    assert.match(cutShort.stderr, /^citytrust audit: the file is not a whole OpenPGP message \(.+\): it may be cut short or damaged; download the bundle again\n$/);
  });

  it('reads a bundle an editor saved with a UTF-8 byte order mark as the JSON it is', async () => {
    const file = join(dir, 'bundle-with-bom.json');
    writeFileSync(file, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), readFileSync(join(dir, 'bundle.json'))]));
    const result = await citytrust(['audit', 'verify', file]);
    assert.equal(result.status, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /\nvalid: every check passed/);
  });
});
