import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalJson } from '../canonical-json';
import { generateSm2KeyPair, type Sm2KeyPair } from '../crypto/keys';
import { sm2Sign } from '../crypto/sm2';
import { sm3 } from '../crypto/sm3';
import { sealKeyId } from '../seals/seal-records';
import { formatLicenseIdentifier } from './license-identifier';
import { decodeLicenseQr, encodeLicenseQr, LicenseQrFormatError, licenseQrDigest, verifyLicenseQrOffline, type AnnotatedCopyQr, type LicenseQr, type LicenseQrPayload } from './license-qr';
import { licenseQrStatement } from './license-records';

const IDENTIFIER = formatLicenseIdentifier({ typeCode: '11320000MB12345675001', issuerUscc: '11320000MB76543212', serial: '0A1B2C3D4E5F60718293', version: 1 });
const DOCUMENT_DIGEST = sm3('the license document').toString('hex');

function signed<T extends LicenseQrPayload>(keys: Sm2KeyPair, unsigned: Omit<T, 'keyId' | 'signature'>): T {
  const payload = { ...unsigned, keyId: sealKeyId(keys.publicKey), signature: '' } as unknown as T;
  return { ...payload, signature: sm2Sign(keys.privateKey, licenseQrDigest(payload)).toString('base64') };
}

describe('the license QR payload', () => {
  const issuer = generateSm2KeyPair();
  const trusted = [{ publicKey: issuer.publicKey.toPem(), keyId: sealKeyId(issuer.publicKey), department: 'MarketRegulationMSP' }];
  const qr = signed<LicenseQr>(issuer, { kind: 'license', identifier: IDENTIFIER, documentDigest: DOCUMENT_DIGEST });

  test('round-trips through its compact text and verifies offline with the issuer\'s public key', () => {
    const text = encodeLicenseQr(qr);
    assert.match(text, /^CTEL:1:L:1\.2\.156\.3005\.2\./);
    // A version-12 QR code at error-correction level M holds 287 bytes: a phone camera reads it off a printed license.
    assert.ok(text.length <= 287, `${text.length} characters`);
    assert.deepEqual(decodeLicenseQr(text), qr);
    assert.deepEqual(verifyLicenseQrOffline(decodeLicenseQr(text), trusted), { valid: true, keyId: qr.keyId, department: 'MarketRegulationMSP' });
  });

  test('signs exactly the seal digest the ledger checks: SM3 of the statement\'s canonical JSON', () => {
    assert.deepEqual(licenseQrDigest(qr), sm3(canonicalJson(licenseQrStatement(IDENTIFIER, DOCUMENT_DIGEST))));
  });

  test('fails with bad_signature when a field is altered', () => {
    const altered = { ...qr, documentDigest: sm3('another document').toString('hex') };
    const outcome = verifyLicenseQrOffline(decodeLicenseQr(encodeLicenseQr(altered)), trusted);
    assert.deepEqual([outcome.valid, !outcome.valid && outcome.check], [false, 'bad_signature']);
  });

  test('fails with unknown_key when signed by a key the verifier does not trust, and with bad_signature when it claims the issuer\'s key', () => {
    const forger = generateSm2KeyPair();
    const own = verifyLicenseQrOffline(signed<LicenseQr>(forger, { kind: 'license', identifier: IDENTIFIER, documentDigest: DOCUMENT_DIGEST }), trusted);
    assert.deepEqual([own.valid, !own.valid && own.check], [false, 'unknown_key']);
    const claimed = { ...qr, signature: sm2Sign(forger.privateKey, licenseQrDigest(qr)).toString('base64') };
    const outcome = verifyLicenseQrOffline(claimed, trusted);
    assert.deepEqual([outcome.valid, !outcome.valid && outcome.check], [false, 'bad_signature']);
  });

  test('fails with key_revoked offline for a revoked key, and judges it at the signing time when that is known', () => {
    const revoked = [{ ...trusted[0]!, validFrom: '2027-01-01T00:00:00.000000000Z', validUntil: '2030-01-01T00:00:00.000000000Z', revokedAt: '2027-06-01T00:00:00.000000000Z', revocationReason: 'private key leaked' }];
    const offline = verifyLicenseQrOffline(qr, revoked);
    assert.deepEqual([offline.valid, !offline.valid && offline.check], [false, 'key_revoked']);
    assert.match(!offline.valid ? offline.reason : '', /private key leaked/);
    assert.equal(verifyLicenseQrOffline(qr, revoked, { signedAt: '2027-03-01T00:00:00.000000000Z' }).valid, true);
    const after = verifyLicenseQrOffline(qr, revoked, { signedAt: '2027-07-01T00:00:00.000000000Z' });
    assert.deepEqual([after.valid, !after.valid && after.check], [false, 'key_revoked']);
  });

  test('refuses malformed payloads with the part that is wrong', () => {
    const text = encodeLicenseQr(qr);
    assert.throws(() => decodeLicenseQr('https://example.com/x'), LicenseQrFormatError);
    assert.throws(() => decodeLicenseQr(text.replace(/\.001\.(.)/, (_, c: string) => `.001.${c === 'A' ? 'B' : 'A'}`)), /check character/);
    assert.throws(() => decodeLicenseQr(text.split(':').slice(0, -1).join(':')), /4 fields/);
    assert.throws(() => decodeLicenseQr(text.replace(':L:', ':Q:')), /kind is L/);
  });
});

describe('the annotated copy (加注件) payload', () => {
  const platform = generateSm2KeyPair();
  const trusted = [{ publicKey: platform.publicKey.toPem() }];
  const copy = signed<AnnotatedCopyQr>(platform, { kind: 'annotated-copy', identifier: IDENTIFIER, documentDigest: DOCUMENT_DIGEST, purpose: '办理贷款: loan', recipient: '某银行 Branch:7', validUntil: '2027-02-01T00:00:00Z' });
  const use = { purpose: '办理贷款: loan', recipient: '某银行 Branch:7' };

  test('round-trips text with colons and Chinese, and verifies only for its use and before its end', () => {
    const decoded = decodeLicenseQr(encodeLicenseQr(copy));
    assert.deepEqual(decoded, copy);
    assert.equal(verifyLicenseQrOffline(decoded, trusted, { at: '2027-01-15T00:00:00Z', use }).valid, true);
    const outcomes = [
      verifyLicenseQrOffline(decoded, trusted, { at: '2027-01-15T00:00:00Z' }),
      verifyLicenseQrOffline(decoded, trusted, { at: '2027-01-15T00:00:00Z', use: { ...use, purpose: '租房' } }),
      verifyLicenseQrOffline(decoded, trusted, { at: '2027-01-15T00:00:00Z', use: { ...use, recipient: '另一家银行' } }),
      verifyLicenseQrOffline(decoded, trusted, { at: '2027-02-01T00:00:00Z', use }),
    ];
    assert.deepEqual(outcomes.map((o) => !o.valid && o.check), ['use_not_stated', 'purpose_mismatch', 'recipient_mismatch', 'copy_expired']);
  });

  test('a copy whose purpose was rewritten no longer verifies', () => {
    const outcome = verifyLicenseQrOffline({ ...copy, purpose: '租房' }, trusted, { at: '2027-01-15T00:00:00Z', use: { ...use, purpose: '租房' } });
    assert.deepEqual([outcome.valid, !outcome.valid && outcome.check], [false, 'bad_signature']);
  });
});
