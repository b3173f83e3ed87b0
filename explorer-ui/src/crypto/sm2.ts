import { Field, invert, mod } from '@noble/curves/abstract/modular';
import { weierstrassPoints } from '@noble/curves/abstract/weierstrass';
import { bigIntToBytes, bytesToBigInt, decodeDerSignature, derBitString, derChild, derChildren, derOid, DerTag, encodeDerSignature, readDer } from './der';
import { sm3 } from './sm3';

/**
 * SM2 signatures (GB/T 32918.2) in the browser: the citizen signs the gateway's login challenge
 * with a key that never leaves the page, and the proof verifier checks departments' seals. The
 * curve arithmetic is @noble/curves' (audited, constant-time scalar multiplication); the
 * SM2-specific parts (Z, e, r, s) are the standard's formulas. Interoperates with OpenSSL's
 * `pkeyutl -digest sm3 -pkeyopt distid:1234567812345678`, and so with the gateway (sm2.test.ts).
 */

const p = BigInt('0xfffffffeffffffffffffffffffffffffffffffff00000000ffffffffffffffff');
const a = BigInt('0xfffffffeffffffffffffffffffffffffffffffff00000000fffffffffffffffc');
const b = BigInt('0x28e9fa9e9d9f5e344d5a9e4bcf6509a7f39789f515ab8f92ddbcbd414d940e93');
const n = BigInt('0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123');
const Gx = BigInt('0x32c4ae2c1f1981195f9904466a39c9948fe30bbff2660be1715a4589334c74c7');
const Gy = BigInt('0xbc3736a2f4f6779c59bdcee36b692153d0a9877cc62a474002df32e52139f0a0');

const { ProjectivePoint: Point } = weierstrassPoints({ a, b, Fp: Field(p), n, Gx, Gy, h: 1n });
type Point = InstanceType<typeof Point>;

/** The user ID every CityTrust SM2 signature uses: the standard's default. */
const DEFAULT_ID = new TextEncoder().encode('1234567812345678');
const OID_EC_PUBLIC_KEY = '1.2.840.10045.2.1';
const OID_SM2 = '1.2.156.10197.1.301';

export interface Sm2PublicKey {
  readonly point: Point;
}

export interface Sm2PrivateKey {
  readonly d: bigint;
  readonly publicKey: Sm2PublicKey;
}

/** Z_A = SM3(ENTL ‖ ID ‖ a ‖ b ‖ xG ‖ yG ‖ xA ‖ yA): binds the signature to the signer's key and ID. */
function za(publicKey: Sm2PublicKey): Uint8Array {
  const { x, y } = publicKey.point.toAffine();
  const bits = DEFAULT_ID.length * 8;
  const parts = [Uint8Array.of(bits >> 8, bits & 0xff), DEFAULT_ID, ...[a, b, Gx, Gy, x, y].map((v) => bigIntToBytes(v, 32))];
  return sm3(concat(parts));
}

function digestOf(publicKey: Sm2PublicKey, message: Uint8Array): bigint {
  return bytesToBigInt(sm3(concat([za(publicKey), message])));
}

/** Signs `message` (SM3 with Z, as GB/T 32918 prescribes); returns the DER signature. */
export function sm2Sign(privateKey: Sm2PrivateKey, message: Uint8Array, random: (length: number) => Uint8Array = randomBytes): Uint8Array {
  const e = digestOf(privateKey.publicKey, message);
  const { d } = privateKey;
  for (;;) {
    const k = mod(bytesToBigInt(random(40)), n - 1n) + 1n;
    const x1 = Point.BASE.multiply(k).toAffine().x;
    const r = mod(e + x1, n);
    if (r === 0n || r + k === n) continue;
    const s = mod(invert(1n + d, n) * (k - r * d), n);
    if (s !== 0n) return encodeDerSignature(r, s);
  }
}

/** Whether `signature` (DER) is `publicKey`'s SM2 signature of `message`. Never throws on bad input. */
export function sm2Verify(publicKey: Sm2PublicKey, message: Uint8Array, signature: Uint8Array): boolean {
  const parsed = decodeDerSignature(signature);
  if (!parsed) return false;
  const { r, s } = parsed;
  if (r < 1n || r >= n || s < 1n || s >= n) return false;
  const t = mod(r + s, n);
  if (t === 0n) return false;
  const sum = Point.BASE.multiply(s).add(publicKey.point.multiply(t));
  if (sum.equals(Point.ZERO)) return false;
  return mod(digestOf(publicKey, message) + sum.toAffine().x, n) === r;
}

/** An SM2 public key from SubjectPublicKeyInfo PEM; throws saying what the text is instead. */
export function sm2PublicKeyFromPem(pem: string): Sm2PublicKey {
  const spki = readDer(pemBody(pem, 'PUBLIC KEY'));
  const algorithm = derChild(spki, 0, DerTag.sequence);
  requireSm2Algorithm(algorithm);
  return { point: pointOf(derBitString(derChild(spki, 1, DerTag.bitString))) };
}

/**
 * An SM2 private key from unencrypted PKCS#8 PEM, as `openssl genpkey -algorithm SM2` writes
 * it and `citytrust crypto` hands citizens; throws saying what is wrong.
 */
export function sm2PrivateKeyFromPem(pem: string): Sm2PrivateKey {
  if (/-----BEGIN ENCRYPTED PRIVATE KEY-----/.test(pem)) throw new Error('the key is encrypted; export it without a passphrase (openssl pkey -in key.pem -out plain.pem)');
  const pkcs8 = readDer(pemBody(pem, 'PRIVATE KEY'));
  requireSm2Algorithm(derChild(pkcs8, 1, DerTag.sequence));
  const ecPrivateKey = readDer(derChild(pkcs8, 2, DerTag.octetString).content);
  const d = bytesToBigInt(derChild(ecPrivateKey, 1, DerTag.octetString).content);
  if (d < 1n || d >= n - 1n) throw new Error('the private key is out of range for SM2');
  return { d, publicKey: { point: Point.BASE.multiply(d) } };
}

/** Whether a public key (SPKI PEM) is SM2 and well-formed. */
export function isSm2PublicKeyPem(pem: string): boolean {
  try {
    sm2PublicKeyFromPem(pem);
    return true;
  } catch {
    return false;
  }
}

function requireSm2Algorithm(algorithm: ReturnType<typeof readDer>): void {
  const [oid, parameter] = derChildren(algorithm);
  const algorithmOid = oid ? derOid(oid) : '';
  const curve = parameter?.tag === DerTag.oid ? derOid(parameter) : '';
  if (algorithmOid === OID_SM2 || (algorithmOid === OID_EC_PUBLIC_KEY && curve === OID_SM2)) return;
  throw new Error(`the key is not an SM2 key (algorithm ${algorithmOid}${curve ? `, curve ${curve}` : ''})`);
}

function pointOf(encoded: Uint8Array): Point {
  if (encoded.length !== 65 || encoded[0] !== 0x04) throw new Error('the public key is not an uncompressed SM2 point');
  const point = Point.fromAffine({ x: bytesToBigInt(encoded.subarray(1, 33)), y: bytesToBigInt(encoded.subarray(33)) });
  point.assertValidity();
  return point;
}

function pemBody(pem: string, label: string): Uint8Array {
  const match = new RegExp(`-----BEGIN ${label}-----([^-]*)-----END ${label}-----`).exec(pem);
  if (!match) throw new Error(`expected a PEM block "${label}"; paste the whole file, BEGIN and END lines included`);
  const binary = atob((match[1] ?? '').replace(/\s+/g, ''));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const joined = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    joined.set(part, offset);
    offset += part.length;
  }
  return joined;
}

function randomBytes(length: number): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(length));
}
