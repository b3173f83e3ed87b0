/**
 * SM2 digital signatures (GB/T 32918.2-2016) with SM3, interoperable with OpenSSL 3
 * (`openssl pkeyutl -sign/-verify -rawin -digest sm3 -pkeyopt distid:1234567812345678`).
 *
 * A signature covers e = SM3(Z ‖ M), where Z = SM3(ENTL ‖ ID ‖ a ‖ b ‖ xG ‖ yG ‖ xA ‖ yA) binds the
 * signer's public key and a distinguishing user ID. Signer and verifier must use the same ID;
 * unless told otherwise everyone uses the standard's default, `1234567812345678` (GM/T 0009).
 * Signatures are DER: SEQUENCE { r INTEGER, s INTEGER }.
 */
import { addon } from './native';
import { toBuffer, type BinaryInput } from './bytes';
import { handleOf, type Sm2PrivateKey, type Sm2PublicKey } from './keys';
import { sm3 } from './sm3';

/** The user ID GB/T 32918 / GM/T 0009 prescribe when the parties have not agreed another. */
export const DEFAULT_SM2_USER_ID = '1234567812345678';

/** The most bytes an SM2 user ID may have: Z hashes its length in bits into two bytes, and OpenSSL refuses 8191. */
export const MAX_SM2_USER_ID_BYTES = 8190;

// The recommended curve's parameters, as GB/T 32918.5-2017 lists them and Z hashes them.
const CURVE_A = Buffer.from('FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFC', 'hex');
const CURVE_B = Buffer.from('28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93', 'hex');
const CURVE_GX = Buffer.from('32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7', 'hex');
const CURVE_GY = Buffer.from('BC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0', 'hex');
const DEFAULT_USER_ID_BYTES = Buffer.from(DEFAULT_SM2_USER_ID, 'utf8');

/** Options for SM2 signing and verification. */
export interface Sm2SignatureOptions {
  /**
   * The distinguishing ID hashed into Z (text as UTF-8); {@link DEFAULT_SM2_USER_ID} when absent.
   * Only set it when the other party signs or verifies with the same ID.
   */
  readonly userId?: BinaryInput;
}

/**
 * Signs `message` (text as UTF-8) with an SM2 private key; returns the DER signature.
 * Each call uses a fresh random k, so signing the same message twice gives different signatures.
 *
 * @example
 * const seal = sm2Sign(sealKey, canonicalJsonBytes(record));
 * // with an agreed ID: sm2Sign(sealKey, bytes, { userId: 'MarketRegulationMSP' })
 */
export function sm2Sign(privateKey: Sm2PrivateKey, message: BinaryInput, options: Sm2SignatureOptions = {}): Buffer {
  return addon().sign(handleOf(privateKey, 'sm2-private'), toBuffer(message), userIdBytes(options));
}

/**
 * Whether `signature` (DER) is a valid SM2 signature over `message` by the holder of `publicKey`
 * with the same user ID. Returns false, never throws, for a signature that is malformed, was made
 * over other bytes, with another key or with another user ID.
 *
 * @example
 * if (!sm2Verify(departmentKey, canonicalJsonBytes(record), seal)) throw new Error('seal does not match the record');
 */
export function sm2Verify(publicKey: Sm2PublicKey, message: BinaryInput, signature: Uint8Array, options: Sm2SignatureOptions = {}): boolean {
  if (!(signature instanceof Uint8Array)) return false;
  return addon().verify(handleOf(publicKey, 'sm2-public'), toBuffer(message), toBuffer(signature), userIdBytes(options));
}

/**
 * {@link sm2Sign} on libuv's thread pool: the same signature, while the event loop goes on
 * serving. For servers that sign on every request (the gateway sealing records); a one-off
 * signature is cheaper synchronously.
 *
 * @example
 * const signature = await sm2SignAsync(sealKey, digest);
 */
export async function sm2SignAsync(privateKey: Sm2PrivateKey, message: BinaryInput, options: Sm2SignatureOptions = {}): Promise<Buffer> {
  return addon().signAsync(handleOf(privateKey, 'sm2-private'), toBuffer(message), userIdBytes(options));
}

/**
 * {@link sm2Verify} on libuv's thread pool, with the same answers: false, never a rejection, for
 * a signature that does not verify or is malformed. For servers that check a signature on every
 * request (the chaincode checking seals).
 */
export async function sm2VerifyAsync(publicKey: Sm2PublicKey, message: BinaryInput, signature: Uint8Array, options: Sm2SignatureOptions = {}): Promise<boolean> {
  if (!(signature instanceof Uint8Array)) return false;
  return addon().verifyAsync(handleOf(publicKey, 'sm2-public'), toBuffer(message), toBuffer(signature), userIdBytes(options));
}

/**
 * Z, the SM3 digest that binds a public key and user ID into every signature
 * (GB/T 32918.2 §5.5). Signing devices that take a pre-computed e = SM3(Z ‖ M) need it;
 * {@link sm2Sign} and {@link sm2Verify} compute it themselves.
 *
 * @example
 * const e = sm3(Buffer.concat([sm2Za(publicKey), message]));
 */
export function sm2Za(publicKey: Sm2PublicKey, options: Sm2SignatureOptions = {}): Buffer {
  const id = userIdBytes(options);
  const point = addon().publicPoint(handleOf(publicKey, 'sm2-public'));
  const entl = Buffer.alloc(2);
  entl.writeUInt16BE(id.length * 8);
  return sm3(Buffer.concat([entl, id, CURVE_A, CURVE_B, CURVE_GX, CURVE_GY, point.subarray(1)]));
}

function userIdBytes(options: Sm2SignatureOptions): Buffer {
  if (options.userId === undefined) return DEFAULT_USER_ID_BYTES;
  const id = toBuffer(options.userId);
  if (id.length > MAX_SM2_USER_ID_BYTES) {
    throw new RangeError(`an SM2 user ID has at most ${MAX_SM2_USER_ID_BYTES} bytes; this one has ${id.length}`);
  }
  return id;
}
