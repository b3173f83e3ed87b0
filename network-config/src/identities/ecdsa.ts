import { webcrypto } from 'node:crypto';

/**
 * ECDSA P-256 keys the way Fabric's cryptogen makes them (`internal/cryptogen/csp`): PKCS#8 PEM
 * private keys and signatures with a low S value.
 */

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

export const ecdsaP256: webcrypto.EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };
export const ecdsaWithSha256: webcrypto.EcdsaParams = { name: 'ECDSA', hash: 'SHA-256' };

/** The order of the P-256 group; Fabric accepts only signatures with S ≤ n/2. */
const curveOrder = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const halfOrder = curveOrder >> 1n;

/** A fresh key pair whose private key can be exported (it is written to the keystore). */
export async function generateKeyPair(): Promise<CryptoKeyPair> {
  return webcrypto.subtle.generateKey(ecdsaP256, true, ['sign', 'verify']);
}

/** The private key as cryptogen writes `priv_sk`: PKCS#8 in a `PRIVATE KEY` PEM block. */
export async function privateKeyToPem(privateKey: CryptoKey): Promise<string> {
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', privateKey);
  return pemEncode('PRIVATE KEY', new Uint8Array(pkcs8));
}

/** Reads a `priv_sk` back as a signing key. */
export async function privateKeyFromPem(pem: string): Promise<CryptoKey> {
  return webcrypto.subtle.importKey('pkcs8', pemDecode(pem, 'PRIVATE KEY'), ecdsaP256, true, ['sign']);
}

/** The uncompressed public point (0x04 ‖ X ‖ Y), which cryptogen hashes into a CA's subject key id. */
export async function publicKeyPoint(publicKey: CryptoKey): Promise<Uint8Array> {
  return new Uint8Array(await webcrypto.subtle.exportKey('raw', publicKey));
}

/**
 * WebCrypto whose ECDSA signatures are normalised to low S, as cryptogen's `ECDSASigner` does.
 * Fabric rejects high-S signatures, and its MSP rewrites a high-S certificate signature before
 * comparing identities, so certificates signed this way are the bytes Fabric itself would keep.
 */
export const lowSCrypto: webcrypto.Crypto = Object.freeze({
  getRandomValues: webcrypto.getRandomValues.bind(webcrypto),
  randomUUID: webcrypto.randomUUID.bind(webcrypto),
  subtle: new Proxy(webcrypto.subtle, {
    get(subtle, property) {
      if (property === 'sign') return signLowS;
      const value: unknown = Reflect.get(subtle, property);
      return typeof value === 'function' ? value.bind(subtle) : value;
    },
  }),
}) as webcrypto.Crypto;

async function signLowS(algorithm: webcrypto.AlgorithmIdentifier | webcrypto.EcdsaParams, key: CryptoKey, data: webcrypto.BufferSource): Promise<ArrayBuffer> {
  const signature = new Uint8Array(await webcrypto.subtle.sign(algorithm, key, data));
  if (key.algorithm.name !== 'ECDSA' || signature.length !== 64) return signature.buffer;
  const s = BigInt(`0x${Buffer.from(signature.subarray(32)).toString('hex')}`);
  if (s <= halfOrder) return signature.buffer;
  signature.set(Buffer.from((curveOrder - s).toString(16).padStart(64, '0'), 'hex'), 32);
  return signature.buffer;
}

/** PEM exactly as Go's `pem.Encode` writes it: 64-character lines and a final newline. */
export function pemEncode(type: string, der: Uint8Array): string {
  const lines = Buffer.from(der).toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${type}-----\n${lines.join('\n')}\n-----END ${type}-----\n`;
}

/** The DER inside the first PEM block of the given type. */
export function pemDecode(pem: string, type: string): Uint8Array {
  const match = new RegExp(`-----BEGIN ${type}-----([^-]*)-----END ${type}-----`).exec(pem);
  if (match === null) throw new Error(`expected a PEM block of type ${type}`);
  return new Uint8Array(Buffer.from((match[1] as string).replace(/\s+/g, ''), 'base64'));
}
