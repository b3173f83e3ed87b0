import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateSm2KeyPair } from '../crypto/keys';
import { sm2Sign } from '../crypto/sm2';
import { sm3 } from '../crypto/sm3';
import { canonicalJson } from '../canonical-json';
import { sealKeyId } from '../seals/seal-records';
import type { TrustedSealKey } from '../licenses/license-qr';
import { CreditCodeFormatError, creditCodeStatement, decodeCreditCode, encodeCreditCode, verifyCreditCodeOffline, type CreditCode } from './credit-code';

const office = generateSm2KeyPair();
const trusted: TrustedSealKey[] = [{ publicKey: office.publicKey.toPem() }];

function sealed(fields: Omit<CreditCode, 'keyId' | 'signature'>, pair = office): CreditCode {
  const signature = sm2Sign(pair.privateKey, sm3(canonicalJson(creditCodeStatement(fields)))).toString('base64');
  return { ...fields, keyId: sealKeyId(pair.publicKey), signature };
}

const fields = { subject: 'E:914403001922038216', grade: 'B' as const, score: 700, modelVersion: 2, evaluatedAt: '2027-03-01T08:00:00.123456789Z', validUntil: '2027-03-02T08:00:00.000Z', evaluationId: 'ab'.repeat(32) };

test('a credit code round-trips through its QR payload and verifies offline with the credit office\'s key alone', () => {
  const code = sealed(fields);
  const qr = encodeCreditCode(code);
  assert.match(qr, /^CTCC:1:E~914403001922038216:B:700:2:/);
  assert.deepEqual(decodeCreditCode(qr), code);
  assert.deepEqual(verifyCreditCodeOffline(decodeCreditCode(qr), trusted, '2027-03-01T12:00:00Z'), { valid: true, keyId: code.keyId, code });
});

test('forged, foreign, revoked and expired codes fail with the check that caught them', () => {
  const code = sealed(fields);
  const check = (c: CreditCode, keys = trusted, at = '2027-03-01T12:00:00Z') => {
    const outcome = verifyCreditCodeOffline(c, keys, at);
    return outcome.valid ? 'valid' : outcome.check;
  };
  assert.equal(check({ ...code, grade: 'A' }), 'bad_signature');
  assert.equal(check({ ...code, subject: 'E:91320214MA1XXXXX5Y' }), 'bad_signature');
  assert.equal(check(sealed(fields, generateSm2KeyPair())), 'unknown_key');
  assert.equal(check(code, [{ ...trusted[0]!, revokedAt: '2027-03-01T10:00:00Z' }]), 'key_revoked');
  assert.equal(check(code, trusted, '2027-03-02T08:00:00Z'), 'code_expired');
});

test('an unreadable payload says which part is wrong', () => {
  const qr = encodeCreditCode(sealed(fields));
  assert.throws(() => decodeCreditCode('CTEL:1:L:x'), CreditCodeFormatError);
  assert.throws(() => decodeCreditCode(qr.replace(':B:', ':E:')), /the grade is one of A, B, C, D, got "E"/);
  assert.throws(() => decodeCreditCode(qr.replace('2027-03-01', '%E0%A4%A')), /not percent-encoded/);
  assert.throws(() => decodeCreditCode(qr.split(':').slice(0, 8).join(':')), /9 fields after its prefix, got 6/);
});
