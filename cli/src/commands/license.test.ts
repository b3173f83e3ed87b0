import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { AddressInfo } from 'node:net';
import { encodeLicenseQr, formatLicenseIdentifier, generateSm2KeyPair, licenseQrDigest, sealKeyId, sm2Sign, sm3, type LicenseQr } from '@citytrust/shared';
import { startLedgerTestGateway, type LedgerTestGateway } from '@citytrust/gateway/dist/test-support/ledger-test-gateway';

const main = join(__dirname, '..', 'main.js');

function citytrust(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [main, ...args], { env: { ...process.env, CITYTRUST_GATEWAY_URL: '' }, encoding: 'utf8', timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ status: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
    });
  });
}

const DOCUMENT = Buffer.from('%PDF-1.7 营业执照');
const IDENTIFIER = formatLicenseIdentifier({ typeCode: '11320000MB12345675001', issuerUscc: '11320000MB12345675', serial: 'ABC123', version: 1 });

describe('citytrust license verify (offline)', () => {
  let dir: string;
  const issuer = generateSm2KeyPair();
  const unsigned: LicenseQr = { kind: 'license', identifier: IDENTIFIER, documentDigest: sm3(DOCUMENT).toString('hex'), keyId: sealKeyId(issuer.publicKey), signature: '' };
  const qr = encodeLicenseQr({ ...unsigned, signature: sm2Sign(issuer.privateKey, licenseQrDigest(unsigned)).toString('base64') });

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'citytrust-license-verify-'));
    writeFileSync(join(dir, 'key.pem'), issuer.publicKey.toPem());
    writeFileSync(join(dir, 'qr.txt'), `${qr}\n`);
    writeFileSync(join(dir, 'license.pdf'), DOCUMENT);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('says valid and exits 0 for a payload in a file, signed by the key, with its document', async () => {
    const result = await citytrust('license', 'verify', join(dir, 'qr.txt'), '--public-key', join(dir, 'key.pem'), '--document', join(dir, 'license.pdf'));
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, `offline: valid: signed by key ${sealKeyId(issuer.publicKey)} over ${IDENTIFIER} and document ${sm3(DOCUMENT).toString('hex')}\n`);
  });

  it('says NOT valid with the check and exits 1 for an altered payload or another document', async () => {
    const altered = qr.replace(/:L:([^:]+):([^:]+):/, (_, id: string) => `:L:${id}:${sm3('forged').toString('base64url')}:`);
    const forged = await citytrust('license', 'verify', altered, '--public-key', join(dir, 'key.pem'));
    assert.equal(forged.status, 1);
    assert.match(forged.stdout, /^offline: NOT valid \(bad_signature\): the signature does not verify/);
    writeFileSync(join(dir, 'other.pdf'), 'another document');
    const other = await citytrust('license', 'verify', qr, '--public-key', join(dir, 'key.pem'), '--document', join(dir, 'other.pdf'));
    assert.equal(other.status, 1);
    assert.match(other.stdout, /^offline: NOT valid \(document_mismatch\)/);
    const typo = await citytrust('license', 'verify', qr.replace(/\.001\.(.):/, (_, c: string) => `.001.${c === 'A' ? 'B' : 'A'}:`), '--public-key', join(dir, 'key.pem'));
    assert.equal(typo.status, 1);
    assert.match(typo.stdout, /^offline: NOT valid \(malformed_qr\): the identifier in the payload is not valid: the check character/);
  });

  it('exits 2 with the usage without a key or a gateway', async () => {
    const result = await citytrust('license', 'verify', qr);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /^citytrust license: offline verification needs the signer's public key/);
  });
});

describe('citytrust license verify --gateway (offline and online)', () => {
  let gateway: LedgerTestGateway;
  let url: string;
  const market = 'MarketRegulationMSP';

  before(async () => {
    gateway = await startLedgerTestGateway({ sealKeysFor: [market] });
    await gateway.server.listen({ host: '127.0.0.1', port: 0 });
    url = `http://127.0.0.1:${(gateway.server.server.address() as AddressInfo).port}`;
  });
  after(() => gateway?.close());

  it('verifies a license offline with the keys it fetches and online with its status, and fails once it is suspended', async () => {
    const officer = { department: market, userId: 'cli-test' };
    await gateway.services.licenses.registerType(officer, { code: '11320000MB12345675001', name: '营业执照', issuers: [{ department: market, uscc: '11320000MB12345675' }], supervisors: [], validity: { maxValidityDays: null }, metadataFields: [{ name: 'enterpriseName', label: '名称', required: true }] });
    const { license, qr } = await gateway.services.licenses.issue(officer, { typeCode: '11320000MB12345675001', holder: { kind: 'enterprise', uscc: '914403001922038216' }, caseReference: 'CLI-1', validFrom: '2027-01-01', validUntil: null, metadata: { enterpriseName: '某某科技有限公司' }, documentDigest: sm3(DOCUMENT).toString('hex') });
    const valid = await citytrust('license', 'verify', qr, '--gateway', url);
    assert.equal(valid.status, 0, valid.stdout + valid.stderr);
    assert.match(valid.stdout, new RegExp(`^offline: valid: signed by key [0-9a-f]{64} of ${market} over ${license.identifier.replace(/\./g, '\\.')}.*\nonline: valid: license .* is valid; issued by ${market}`));
    await gateway.services.licenses.changeStatus(officer, license.identifier, 'suspend', '停业整顿');
    const suspended = await citytrust('license', 'verify', qr, '--gateway', url, '--json');
    assert.equal(suspended.status, 1);
    const verdict = JSON.parse(suspended.stdout) as { valid: boolean; offline: { valid: boolean }; online: { check: string; reason: string } };
    assert.deepEqual([verdict.valid, verdict.offline.valid, verdict.online.check], [false, true, 'status_suspended']);
    assert.match(verdict.online.reason, /is suspended \(MarketRegulationMSP, .*: 停业整顿\)/);
  });
});
