/**
 * SM4 (GB/T 32907-2016), the national 128-bit block cipher, in counter mode.
 *
 * CTR alone gives confidentiality but no integrity: anyone can flip plaintext bits by flipping
 * ciphertext bits. Use it only inside an authenticated construction such as the field envelope
 * (sm4-envelope.ts). Node's OpenSSL 3.0 has no SM4-GCM (check `crypto.getCiphers()`), which is
 * why the envelope pairs CTR with HMAC-SM3.
 */
import { createCipheriv } from 'node:crypto';

/** Bytes in an SM4 key. */
export const SM4_KEY_BYTES = 16;
/** Bytes in an SM4 block, and so in a CTR initial counter block. */
export const SM4_BLOCK_BYTES = 16;

/**
 * SM4-CTR: XORs `data` with the key stream SM4(counter), SM4(counter + 1), ... starting from
 * `counter`; the same call encrypts and decrypts. Never reuse a (key, counter) pair.
 *
 * @example
 * const ciphertext = sm4Ctr(key, iv, plaintext);
 * const plaintext = sm4Ctr(key, iv, ciphertext);
 */
export function sm4Ctr(key: Uint8Array, counter: Uint8Array, data: Uint8Array): Buffer {
  if (key.byteLength !== SM4_KEY_BYTES) throw new RangeError(`an SM4 key has ${SM4_KEY_BYTES} bytes; got ${key.byteLength}`);
  if (counter.byteLength !== SM4_BLOCK_BYTES) throw new RangeError(`an SM4-CTR counter block has ${SM4_BLOCK_BYTES} bytes; got ${counter.byteLength}`);
  const cipher = createCipheriv('sm4-ctr', key, counter);
  return Buffer.concat([cipher.update(data), cipher.final()]);
}
