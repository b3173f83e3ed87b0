/**
 * SM2 public-key encryption (GB/T 32918.4-2016) with SM3, interoperable with OpenSSL 3
 * (`openssl pkeyutl -encrypt/-decrypt` with an SM2 key).
 *
 * The ciphertext is the DER form GM/T 0009 defines and OpenSSL writes, C1 ‖ C3 ‖ C2:
 * SEQUENCE { x INTEGER, y INTEGER, hash OCTET STRING (C3, 32 bytes), ciphertext OCTET STRING (C2) },
 * about 107 bytes longer than the plaintext. SM2 encryption suits short secrets (a data key, a
 * password); encrypt bulk data with the SM4 field envelope and, if needed, SM2-encrypt its key.
 */
import { addon, isAddonError } from './native';
import { toBuffer, type BinaryInput } from './bytes';
import { handleOf, type Sm2PrivateKey, type Sm2PublicKey } from './keys';

/** Thrown when a ciphertext cannot be decrypted; the message lists the possible causes. */
export class Sm2DecryptionError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'Sm2DecryptionError';
  }
}

/**
 * Encrypts `plaintext` (text as UTF-8, at least one byte) for the holder of `publicKey`.
 *
 * @example
 * const wrapped = sm2Encrypt(recipientKey, dataKey);
 */
export function sm2Encrypt(publicKey: Sm2PublicKey, plaintext: BinaryInput): Buffer {
  const bytes = toBuffer(plaintext);
  if (bytes.length === 0) throw new RangeError('SM2 encryption needs at least one byte of plaintext');
  return addon().encrypt(handleOf(publicKey, 'sm2-public'), bytes);
}

/**
 * Decrypts a DER SM2 ciphertext with the private key it was encrypted for. The embedded SM3 hash
 * (C3) is checked, so altered ciphertexts are rejected rather than decrypted to garbage.
 *
 * @throws {@link Sm2DecryptionError} when the ciphertext is malformed, altered, or for another key.
 * @example
 * const dataKey = sm2Decrypt(myKey, wrapped);
 */
export function sm2Decrypt(privateKey: Sm2PrivateKey, ciphertext: Uint8Array): Buffer {
  try {
    return addon().decrypt(handleOf(privateKey, 'sm2-private'), toBuffer(ciphertext));
  } catch (error) {
    if (isAddonError(error, 'ERR_CITYTRUST_DECRYPT')) throw new Sm2DecryptionError(error.message, { cause: error });
    throw error;
  }
}
