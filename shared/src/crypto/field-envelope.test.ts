import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { envelopeKeyId, FieldEnvelopeError, generateFieldKey, newFieldCipher, type FieldEnvelopeProblem } from './field-envelope';

const idNumber = '110101199003074514';
const context = 'credit_record.id_number:rec-42';

function cipher(keyId = 'fields-2026-q1', key = fixedKey()) {
  return newFieldCipher(key, { keyId });
}

function fixedKey(): Buffer {
  return Buffer.alloc(32, 0x5a);
}

function flipped(envelope: Buffer, at: number): Buffer {
  const copy = Buffer.from(envelope);
  copy[at] = (copy[at] as number) ^ 0x01;
  return copy;
}

function rejects(open: () => unknown, problem: FieldEnvelopeProblem, message: RegExp): void {
  assert.throws(open, (error: unknown) => error instanceof FieldEnvelopeError && error.problem === problem && message.test(error.message));
}

describe('field envelope (SM4-CTR + HMAC-SM3)', () => {
  it('opens what it sealed, in the same context', () => {
    const sealed = cipher().seal(idNumber, context);
    assert.equal(cipher().open(sealed, context).toString('utf8'), idNumber);
  });

  it('describes itself: magic, version 1, suite 1 and the key id, then 16-byte counter and 32-byte tag', () => {
    const sealed = cipher().seal(idNumber, context);
    assert.equal(sealed.subarray(0, 3).toString('ascii'), 'CTE');
    assert.deepEqual([...sealed.subarray(3, 6)], [1, 1, 'fields-2026-q1'.length]);
    assert.equal(envelopeKeyId(sealed), 'fields-2026-q1');
    assert.equal(sealed.length, 6 + 'fields-2026-q1'.length + 16 + idNumber.length + 32);
  });

  it('never reveals the plaintext and never seals the same value to the same bytes', () => {
    const first = cipher().seal(idNumber, context);
    const second = cipher().seal(idNumber, context);
    assert.notDeepEqual(first, second);
    assert.equal(first.includes(Buffer.from(idNumber)), false);
  });

  it('detects any single flipped bit, in the header, counter, ciphertext or tag', () => {
    const sealed = cipher().seal(idNumber, context);
    for (let at = 0; at < sealed.length; at++) {
      assert.throws(() => cipher().open(flipped(sealed, at), context), FieldEnvelopeError, `byte ${at} was changed undetected`);
    }
  });

  it('refuses an envelope moved to another record or field', () => {
    const sealed = cipher().seal(idNumber, context);
    rejects(() => cipher().open(sealed, 'credit_record.id_number:rec-43'), 'failed-authentication', /another context/);
    rejects(() => cipher().open(sealed), 'failed-authentication', /failed authentication/);
  });

  it('refuses a truncated or extended envelope', () => {
    const sealed = cipher().seal(idNumber, context);
    rejects(() => cipher().open(sealed.subarray(0, sealed.length - 1), context), 'failed-authentication', /altered/);
    rejects(() => cipher().open(Buffer.concat([sealed, Buffer.from([0])]), context), 'failed-authentication', /altered/);
    rejects(() => cipher().open(sealed.subarray(0, 30), context), 'malformed', /cut short/);
  });

  it('refuses a wrong key that claims the same key id', () => {
    const sealed = cipher().seal(idNumber, context);
    rejects(() => cipher('fields-2026-q1', Buffer.alloc(32, 0x5b)).open(sealed, context), 'failed-authentication', /different key of the same id/);
  });

  it('names the key an envelope needs when opened with another', () => {
    const sealed = cipher('fields-2026-q1').seal(idNumber, context);
    rejects(() => cipher('fields-2026-q2').open(sealed, context), 'other-key', /sealed under key 'fields-2026-q1', but this cipher holds key 'fields-2026-q2'/);
  });

  it('says what is wrong with bytes that are not an envelope, or from a newer format', () => {
    rejects(() => cipher().open(Buffer.from(idNumber), context), 'malformed', /does not start with "CTE"/);
    const sealed = cipher().seal(idNumber, context);
    const future = Buffer.from(sealed);
    future[3] = 2;
    rejects(() => cipher().open(future, context), 'unsupported', /version 2.*upgrade @citytrust\/shared/);
  });

  it('seals empty and long values alike', () => {
    for (const value of [Buffer.alloc(0), Buffer.alloc(100_000, 0xab)]) {
      assert.deepEqual(cipher().open(cipher().seal(value, context), context), value);
    }
  });

  it('names a key by a fingerprint when no key id is given, the same for the same key', () => {
    const key = generateFieldKey();
    assert.match(newFieldCipher(key).keyId, /^sm3:[0-9a-f]{16}$/);
    assert.equal(newFieldCipher(key).keyId, newFieldCipher(Buffer.from(key)).keyId);
    assert.notEqual(newFieldCipher(key).keyId, newFieldCipher(generateFieldKey()).keyId);
  });

  it('refuses field keys too short to be safe and key ids too long to store', () => {
    assert.throws(() => newFieldCipher(Buffer.alloc(8)), /16 to 64 random bytes .* got 8/);
    assert.throws(() => newFieldCipher(fixedKey(), { keyId: 'x'.repeat(256) }), /at most 255 UTF-8 bytes/);
  });
});
