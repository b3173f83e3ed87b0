/**
 * Authenticated SM4 encryption of sensitive fields at rest (ID numbers, phone numbers, credit
 * details): SM4-CTR then HMAC-SM3 over the result (encrypt-then-MAC), in a self-describing,
 * versioned envelope.
 *
 * Why not SM4-GCM: the OpenSSL 3.0 inside Node lists no sm4-gcm cipher (`crypto.getCiphers()`,
 * `openssl enc -list`). Encrypt-then-MAC with independent keys is the generic composition that is
 * secure whenever the cipher and the MAC are; the MAC is checked before anything is decrypted.
 *
 * Envelope format, version 1 (all integers big-endian):
 *
 * | bytes | content                                                                        |
 * |-------|--------------------------------------------------------------------------------|
 * | 3     | magic `CTE` (CityTrust envelope)                                               |
 * | 1     | format version, 1                                                              |
 * | 1     | suite, 1 = SM4-CTR + HMAC-SM3, keys derived from the field key by HKDF-SM3     |
 * | 1     | length L of the key id                                                         |
 * | L     | key id, UTF-8: which field key sealed it, so keys can be rotated               |
 * | 16    | initial counter block, random per envelope                                     |
 * | n     | ciphertext, as long as the plaintext                                           |
 * | 32    | tag: HMAC-SM3(mac key, len(context) as 4 bytes ‖ context ‖ all the bytes above)|
 *
 * The context (associated data) is authenticated but not stored: pass where the value belongs,
 * e.g. `credit_record.id_number:<record id>`, and an envelope copied into another row or column
 * fails to open.
 */
import { hkdfSync, randomBytes, timingSafeEqual, createHmac } from 'node:crypto';
import { toBuffer, type BinaryInput } from './bytes';
import { hmacSm3, SM3_DIGEST_BYTES } from './sm3';
import { sm4Ctr, SM4_BLOCK_BYTES, SM4_KEY_BYTES } from './sm4';

/** Seals and opens field envelopes under one field key. */
export interface FieldCipher {
  /** The key id written into every envelope this cipher seals. */
  readonly keyId: string;
  /**
   * Encrypts and authenticates `plaintext` (text as UTF-8), bound to `context`.
   * @example
   * const stored = cipher.seal(idNumber, `credit_record.id_number:${recordId}`);
   */
  seal(plaintext: BinaryInput, context?: BinaryInput): Buffer;
  /**
   * Checks and decrypts an envelope sealed with the same key and `context`.
   * @throws {@link FieldEnvelopeError} if the envelope is malformed, from another key, or altered.
   * @example
   * const idNumber = cipher.open(stored, `credit_record.id_number:${recordId}`).toString('utf8');
   */
  open(envelope: Uint8Array, context?: BinaryInput): Buffer;
}

/** Options for {@link newFieldCipher}. */
export interface FieldCipherOptions {
  /**
   * A name for the key (at most 255 UTF-8 bytes), e.g. `fields-2026-q1`, written into each
   * envelope so a reader can pick the right key after rotation. Defaults to a fingerprint of the key.
   */
  readonly keyId?: string;
}

/** Why an envelope could not be opened. */
export type FieldEnvelopeProblem = 'malformed' | 'unsupported' | 'other-key' | 'failed-authentication';

/** Thrown when an envelope cannot be opened; `problem` says why, the message what to do. */
export class FieldEnvelopeError extends Error {
  constructor(readonly problem: FieldEnvelopeProblem, message: string) {
    super(message);
    this.name = 'FieldEnvelopeError';
  }
}

/** Bytes in a field key from {@link generateFieldKey}. */
export const FIELD_KEY_BYTES = 32;
const MIN_FIELD_KEY_BYTES = SM4_KEY_BYTES;
const MAX_FIELD_KEY_BYTES = 64;

const MAGIC = Buffer.from('CTE', 'ascii');
const VERSION = 1;
const SUITE_SM4_CTR_HMAC_SM3 = 1;
const FIXED_HEADER_BYTES = MAGIC.length + 3;
const MAX_KEY_ID_BYTES = 255;
const ENCRYPTION_KEY_INFO = 'CityTrust field envelope v1: SM4-CTR key';
const MAC_KEY_INFO = 'CityTrust field envelope v1: HMAC-SM3 key';

/**
 * A new random field key. Keep it in the secret store, never beside the data it protects.
 * @example
 * const key = generateFieldKey(); // store key.toString('base64') in the secret store
 */
export function generateFieldKey(): Buffer {
  return randomBytes(FIELD_KEY_BYTES);
}

/**
 * A cipher that seals and opens field envelopes under `fieldKey` (16 to 64 random bytes; use
 * {@link generateFieldKey}). The SM4 and HMAC keys are derived from it once, here.
 *
 * @example
 * const cipher = newFieldCipher(Buffer.from(process.env.CITYTRUST_FIELD_KEY!, 'base64'), { keyId: 'fields-2026-q1' });
 */
export function newFieldCipher(fieldKey: Uint8Array, options: FieldCipherOptions = {}): FieldCipher {
  if (fieldKey.byteLength < MIN_FIELD_KEY_BYTES || fieldKey.byteLength > MAX_FIELD_KEY_BYTES) {
    throw new RangeError(`a field key has ${MIN_FIELD_KEY_BYTES} to ${MAX_FIELD_KEY_BYTES} random bytes (generateFieldKey() gives ${FIELD_KEY_BYTES}); got ${fieldKey.byteLength}`);
  }
  const keyId = options.keyId ?? fingerprint(fieldKey);
  const keyIdBytes = Buffer.from(keyId, 'utf8');
  if (keyIdBytes.length > MAX_KEY_ID_BYTES) throw new RangeError(`a field key id has at most ${MAX_KEY_ID_BYTES} UTF-8 bytes; '${keyId}' has ${keyIdBytes.length}`);
  return new Sm4CtrHmacSm3Cipher(keyId, keyIdBytes, derive(fieldKey, ENCRYPTION_KEY_INFO, SM4_KEY_BYTES), derive(fieldKey, MAC_KEY_INFO, SM3_DIGEST_BYTES));
}

/**
 * The key id inside an envelope, to choose the key to open it with after a rotation.
 * @throws {@link FieldEnvelopeError} if `envelope` is not a field envelope.
 * @example
 * const cipher = ciphersById.get(envelopeKeyId(stored));
 */
export function envelopeKeyId(envelope: Uint8Array): string {
  return parse(toBuffer(envelope)).keyId;
}

class Sm4CtrHmacSm3Cipher implements FieldCipher {
  constructor(
    readonly keyId: string,
    private readonly keyIdBytes: Buffer,
    private readonly encryptionKey: Buffer,
    private readonly macKey: Buffer,
  ) {}

  seal(plaintext: BinaryInput, context: BinaryInput = ''): Buffer {
    const counter = randomBytes(SM4_BLOCK_BYTES);
    const header = Buffer.from([...MAGIC, VERSION, SUITE_SM4_CTR_HMAC_SM3, this.keyIdBytes.length]);
    const body = Buffer.concat([header, this.keyIdBytes, counter, sm4Ctr(this.encryptionKey, counter, toBuffer(plaintext))]);
    return Buffer.concat([body, this.tag(body, toBuffer(context))]);
  }

  open(envelope: Uint8Array, context: BinaryInput = ''): Buffer {
    // A copy: over shared memory, the bytes checked by the tag could change before decryption.
    const parsed = parse(Buffer.from(envelope));
    if (parsed.keyId !== this.keyId) {
      throw new FieldEnvelopeError('other-key', `the envelope was sealed under key '${parsed.keyId}', but this cipher holds key '${this.keyId}'; open it with key '${parsed.keyId}'`);
    }
    if (!timingSafeEqual(this.tag(parsed.body, toBuffer(context)), parsed.tag)) {
      throw new FieldEnvelopeError(
        'failed-authentication',
        `the envelope failed authentication under key '${this.keyId}': it was altered, belongs to another context (record or field), or was sealed with a different key of the same id; do not use its contents`,
      );
    }
    return sm4Ctr(this.encryptionKey, parsed.counter, parsed.ciphertext);
  }

  private tag(body: Buffer, context: Buffer): Buffer {
    const contextLength = Buffer.alloc(4);
    contextLength.writeUInt32BE(context.length);
    return createHmac('sm3', this.macKey).update(contextLength).update(context).update(body).digest();
  }
}

interface ParsedEnvelope {
  readonly keyId: string;
  readonly counter: Buffer;
  readonly ciphertext: Buffer;
  /** Everything the tag covers besides the context. */
  readonly body: Buffer;
  readonly tag: Buffer;
}

function parse(envelope: Buffer): ParsedEnvelope {
  if (envelope.length < FIXED_HEADER_BYTES || !envelope.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new FieldEnvelopeError('malformed', 'not a CityTrust field envelope: it does not start with "CTE"; was the value stored unencrypted or re-encoded (e.g. as base64)?');
  }
  const version = envelope[MAGIC.length] as number;
  const suite = envelope[MAGIC.length + 1] as number;
  if (version !== VERSION || suite !== SUITE_SM4_CTR_HMAC_SM3) {
    throw new FieldEnvelopeError('unsupported', `the envelope has format version ${version}, suite ${suite}; this CityTrust reads version ${VERSION}, suite ${SUITE_SM4_CTR_HMAC_SM3}: upgrade @citytrust/shared`);
  }
  const keyIdEnd = FIXED_HEADER_BYTES + (envelope[MAGIC.length + 2] as number);
  const ciphertextStart = keyIdEnd + SM4_BLOCK_BYTES;
  const tagStart = envelope.length - SM3_DIGEST_BYTES;
  if (tagStart < ciphertextStart) {
    throw new FieldEnvelopeError('malformed', `the field envelope is cut short: ${envelope.length} bytes cannot hold its header, counter block and ${SM3_DIGEST_BYTES}-byte tag`);
  }
  return {
    keyId: envelope.subarray(FIXED_HEADER_BYTES, keyIdEnd).toString('utf8'),
    counter: envelope.subarray(keyIdEnd, ciphertextStart),
    ciphertext: envelope.subarray(ciphertextStart, tagStart),
    body: envelope.subarray(0, tagStart),
    tag: envelope.subarray(tagStart),
  };
}

function derive(fieldKey: Uint8Array, info: string, length: number): Buffer {
  return Buffer.from(hkdfSync('sm3', fieldKey, Buffer.alloc(0), info, length));
}

/** A short public name for a key that reveals nothing useful about it. */
function fingerprint(fieldKey: Uint8Array): string {
  return `sm3:${hmacSm3(fieldKey, 'CityTrust field key id').subarray(0, 8).toString('hex')}`;
}
