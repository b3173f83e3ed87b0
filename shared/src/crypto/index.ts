/**
 * National cryptography (国密) for CityTrust: SM3 hashing and HMAC-SM3, SM2 keys, signatures and
 * public-key encryption interoperable with OpenSSL 3, and SM4 authenticated field encryption.
 * See shared/README.md for examples.
 */
export type { BinaryInput } from './bytes';
export { sm3, createSm3, hmacSm3, verifyHmacSm3, SM3_DIGEST_BYTES } from './sm3';
export { sm4Ctr, SM4_KEY_BYTES, SM4_BLOCK_BYTES } from './sm4';
export { generateSm2KeyPair, importSm2PrivateKey, importSm2PublicKey, Sm2KeyError } from './keys';
export type { Sm2KeyPair, Sm2PrivateKey, Sm2PublicKey } from './keys';
export { sm2Sign, sm2SignAsync, sm2Verify, sm2VerifyAsync, sm2Za, DEFAULT_SM2_USER_ID, MAX_SM2_USER_ID_BYTES } from './sm2';
export type { Sm2SignatureOptions } from './sm2';
export { sm2SignatureToRaw, sm2SignatureFromRaw, Sm2SignatureFormatError } from './sm2-signature-encoding';
export { sm2Encrypt, sm2Decrypt, Sm2DecryptionError } from './sm2-encryption';
export { newFieldCipher, generateFieldKey, envelopeKeyId, FieldEnvelopeError, FIELD_KEY_BYTES } from './field-envelope';
export type { FieldCipher, FieldCipherOptions, FieldEnvelopeProblem } from './field-envelope';
export { Sm2AddonUnavailableError } from './native';
