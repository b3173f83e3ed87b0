import { sign, verify, type KeyObject } from 'node:crypto';

/**
 * ECDSA P-256 with SHA-256, the signature scheme of Fabric's default BCCSP, with Fabric's extra
 * rule: a signature's S must be in the lower half of the curve order (`bccsp/sw/ecdsa.go`,
 * `IsLowS`). ECDSA signatures are malleable, (r, s) and (r, n - s) both verify; Fabric accepts only
 * the low one so that a transaction's bytes, and so its id, cannot be altered by a third party.
 */

/** The order n of the P-256 group. */
const P256_ORDER = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');
const P256_HALF_ORDER = P256_ORDER >> 1n;
const P256_SCALAR_BYTES = 32;

/**
 * Signs `message` (SHA-256 digest, ECDSA P-256) and returns the DER signature normalised to low S,
 * the form every Fabric peer and orderer requires. Use it for everything the embedded ledger signs
 * (endorsements, block signatures) and for test clients: Node's own signatures have a high S about
 * half of the time and Fabric would reject those.
 */
export function signLowS(privateKey: KeyObject, message: Uint8Array): Buffer {
  requireP256(privateKey);
  return lowSDer(sign('sha256', message, { key: privateKey, dsaEncoding: 'ieee-p1363' }));
}

/**
 * {@link signLowS} on libuv's thread pool: the signature is computed off the event loop (on the
 * other core, when there is one), for hot paths such as endorsing and client signing.
 */
export function signLowSAsync(privateKey: KeyObject, message: Uint8Array): Promise<Buffer> {
  requireP256(privateKey);
  return new Promise((resolve, reject) => {
    sign('sha256', message, { key: privateKey, dsaEncoding: 'ieee-p1363' }, (error, raw) => (error ? reject(error) : resolve(lowSDer(raw))));
  });
}

function lowSDer(p1363: Buffer): Buffer {
  const r = bytesToBigInt(p1363.subarray(0, P256_SCALAR_BYTES));
  const s = bytesToBigInt(p1363.subarray(P256_SCALAR_BYTES));
  return encodeDerSignature(r, s > P256_HALF_ORDER ? P256_ORDER - s : s);
}

/**
 * Whether a DER ECDSA P-256 signature has a low S (s ≤ n/2). A signature that is not well-formed
 * DER is not low-S either.
 */
export function isLowS(derSignature: Uint8Array): boolean {
  const parsed = parseDerSignature(derSignature);
  return parsed !== undefined && parsed.s <= P256_HALF_ORDER;
}

/**
 * Verifies a DER ECDSA P-256/SHA-256 signature as Fabric does: well-formed DER, 0 < r, s < n,
 * low S, then the curve arithmetic, on libuv's thread pool so the event loop stays free. Never
 * rejects; any defect means "not signed by this key".
 */
export function verifyLowS(publicKey: KeyObject, message: Uint8Array, derSignature: Uint8Array): Promise<boolean> {
  const parsed = parseDerSignature(derSignature);
  if (parsed === undefined) return Promise.resolve(false);
  const { r, s } = parsed;
  if (r <= 0n || r >= P256_ORDER || s <= 0n || s > P256_HALF_ORDER) return Promise.resolve(false);
  return new Promise((resolve) => {
    try {
      verify('sha256', message, { key: publicKey, dsaEncoding: 'der' }, derSignature, (error, valid) => resolve(!error && valid));
    } catch {
      resolve(false);
    }
  });
}

function requireP256(key: KeyObject): void {
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (key.asymmetricKeyType !== 'ec' || curve !== 'prime256v1') {
    throw new TypeError(
      `signing needs an EC P-256 (prime256v1) private key, got ${key.asymmetricKeyType ?? key.type}${curve ? ` on ${curve}` : ''}: Fabric's default crypto verifies only ECDSA P-256 with SHA-256`,
    );
  }
}

/** Parses strict DER `SEQUENCE { r INTEGER, s INTEGER }`; undefined for anything else. */
function parseDerSignature(der: Uint8Array): { r: bigint; s: bigint } | undefined {
  if (der.length < 8 || der[0] !== 0x30 || der[1] !== der.length - 2) return undefined;
  const r = readDerInteger(der, 2);
  if (r === undefined) return undefined;
  const s = readDerInteger(der, r.end);
  if (s === undefined || s.end !== der.length) return undefined;
  return { r: r.value, s: s.value };
}

function readDerInteger(der: Uint8Array, offset: number): { value: bigint; end: number } | undefined {
  if (der[offset] !== 0x02) return undefined;
  const length = der[offset + 1];
  // Short-form lengths only: a P-256 scalar takes at most 33 bytes.
  if (length === undefined || length === 0 || length > P256_SCALAR_BYTES + 1) return undefined;
  const start = offset + 2;
  const end = start + length;
  if (end > der.length) return undefined;
  const body = der.subarray(start, end);
  // DER integers are minimal and here positive: no sign bit set, no needless leading zero.
  if (body[0]! & 0x80) return undefined;
  if (body.length > 1 && body[0] === 0 && !(body[1]! & 0x80)) return undefined;
  return { value: bytesToBigInt(body), end };
}

function encodeDerSignature(r: bigint, s: bigint): Buffer {
  const body = Buffer.concat([encodeDerInteger(r), encodeDerInteger(s)]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

function encodeDerInteger(value: bigint): Buffer {
  let hex = value.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  let bytes = Buffer.from(hex, 'hex');
  if (bytes[0]! & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return Buffer.concat([Buffer.from([0x02, bytes.length]), bytes]);
}

function bytesToBigInt(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')}`);
}
