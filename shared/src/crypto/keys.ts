/**
 * SM2 keys (GB/T 32918, on the recommended curve 1.2.156.10197.1.301) in the encodings OpenSSL
 * reads and writes: private keys as PKCS#8 (PEM label `PRIVATE KEY`), public keys as
 * SubjectPublicKeyInfo (PEM label `PUBLIC KEY`), both with the algorithm id-ecPublicKey and the
 * SM2 curve as its parameter.
 *
 * A key is parsed once, when imported; signing, verifying and encrypting reuse the parsed key.
 */
import { addon, isAddonError, type KeyHandle } from './native';
import { decodePem, encodePem, looksLikePem, PemError, type PemBlock } from './pem';

/** An SM2 public key: verifies signatures and encrypts. */
export interface Sm2PublicKey {
  readonly type: 'sm2-public';
  /** SubjectPublicKeyInfo as PEM (`-----BEGIN PUBLIC KEY-----`), as `openssl pkey -pubout` writes it. */
  toPem(): string;
  /** SubjectPublicKeyInfo as DER. */
  toDer(): Buffer;
}

/** An SM2 private key: signs and decrypts. Keep it out of logs and error messages. */
export interface Sm2PrivateKey {
  readonly type: 'sm2-private';
  /** The matching public key, to hand to whoever verifies or encrypts. */
  readonly publicKey: Sm2PublicKey;
  /** PKCS#8 PrivateKeyInfo as PEM (`-----BEGIN PRIVATE KEY-----`), unencrypted: store it accordingly. */
  toPem(): string;
  /** PKCS#8 PrivateKeyInfo as DER. */
  toDer(): Buffer;
}

/** A freshly generated private key and its public key. */
export interface Sm2KeyPair {
  readonly privateKey: Sm2PrivateKey;
  readonly publicKey: Sm2PublicKey;
}

/** Thrown when bytes or text are not a usable SM2 key; the message says what they are instead. */
export class Sm2KeyError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'Sm2KeyError';
  }
}

const PRIVATE_LABEL = 'PRIVATE KEY';
const PUBLIC_LABEL = 'PUBLIC KEY';

/** Each key object's parsed key, kept out of sight of callers and of `console.log`. */
const handles = new WeakMap<object, KeyHandle>();

class PublicKey implements Sm2PublicKey {
  readonly type = 'sm2-public' as const;

  constructor(handle: KeyHandle) {
    handles.set(this, handle);
  }

  toDer(): Buffer {
    return addon().exportPublicKey(handleOf(this, 'sm2-public'));
  }

  toPem(): string {
    return encodePem(PUBLIC_LABEL, this.toDer());
  }
}

class PrivateKey implements Sm2PrivateKey {
  readonly type = 'sm2-private' as const;
  readonly publicKey: Sm2PublicKey;

  constructor(handle: KeyHandle) {
    handles.set(this, handle);
    // The public key gets a handle of its own that holds no private scalar: it is meant to be
    // handed to whoever verifies or encrypts, and must not be able to sign or export the secret.
    this.publicKey = new PublicKey(addon().importPublicKey(addon().exportPublicKey(handle)));
  }

  toDer(): Buffer {
    return addon().exportPrivateKey(handleOf(this, 'sm2-private'));
  }

  toPem(): string {
    const der = this.toDer();
    try {
      return encodePem(PRIVATE_LABEL, der);
    } finally {
      der.fill(0); // the scalar; the PEM string returned cannot be wiped, which is the caller's to keep safe
    }
  }
}

/**
 * Generates a new SM2 key pair from OpenSSL's random generator.
 *
 * @example
 * const { privateKey, publicKey } = generateSm2KeyPair();
 * writeFileSync('seal-key.pem', privateKey.toPem(), { mode: 0o600 });
 * writeFileSync('seal-pub.pem', publicKey.toPem());
 */
export function generateSm2KeyPair(): Sm2KeyPair {
  const privateKey = new PrivateKey(addon().generateKey());
  return { privateKey, publicKey: privateKey.publicKey };
}

/**
 * Reads an SM2 private key: PKCS#8 as PEM text, or as PEM or DER bytes, e.g. straight from
 * `readFileSync`. Keys from `openssl genpkey -algorithm SM2` and from {@link generateSm2KeyPair} load.
 *
 * @throws {@link Sm2KeyError} when the input is not an unencrypted PKCS#8 SM2 private key; the
 * message names what it is instead (a public key, an encrypted or SEC1 key, another curve...).
 * @example
 * const sealKey = importSm2PrivateKey(readFileSync('seal-key.pem'));
 */
export function importSm2PrivateKey(key: string | Uint8Array): Sm2PrivateKey {
  const der = toDer(key, PRIVATE_LABEL, privateLabelProblem);
  try {
    return new PrivateKey(parse(() => addon().importPrivateKey(der), 'private'));
  } finally {
    // DER decoded here from PEM is ours to wipe; DER bytes the caller passed are theirs.
    if (der.buffer !== (key as Uint8Array).buffer) der.fill(0);
  }
}

/**
 * Reads an SM2 public key: SubjectPublicKeyInfo as PEM text, or as PEM or DER bytes.
 *
 * @throws {@link Sm2KeyError} when the input is not an SM2 SubjectPublicKeyInfo.
 * @example
 * const departmentKey = importSm2PublicKey(readFileSync('market-regulation-pub.pem'));
 */
export function importSm2PublicKey(key: string | Uint8Array): Sm2PublicKey {
  const der = toDer(key, PUBLIC_LABEL, publicLabelProblem);
  return new PublicKey(parse(() => addon().importPublicKey(der), 'public'));
}

/**
 * The parsed key inside a key object from this module, for the other SM2 functions.
 * @internal not exported from the package.
 */
export function handleOf(key: Sm2PrivateKey | Sm2PublicKey, type: 'sm2-private' | 'sm2-public'): KeyHandle {
  const handle = typeof key === 'object' && key !== null && key.type === type ? handles.get(key) : undefined;
  if (handle !== undefined) return handle;
  throw new TypeError(
    type === 'sm2-private'
      ? 'expected an Sm2PrivateKey, from importSm2PrivateKey or generateSm2KeyPair'
      : 'expected an Sm2PublicKey, from importSm2PublicKey or a private key\'s .publicKey',
  );
}

function toDer(key: string | Uint8Array, label: string, labelProblem: (found: string) => string): Buffer {
  if (typeof key !== 'string' && !(key instanceof Uint8Array)) {
    throw new TypeError(`an SM2 key is PEM text or PEM/DER bytes, not ${key === null ? 'null' : typeof key}`);
  }
  if (typeof key !== 'string' && !looksLikePem(key)) return Buffer.from(key.buffer, key.byteOffset, key.byteLength);
  const text = typeof key === 'string' ? key : Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('utf8');
  let block: PemBlock;
  try {
    block = decodePem(text);
  } catch (error) {
    if (error instanceof PemError) throw new Sm2KeyError(`not a PEM "${label}": ${error.message}`, { cause: error });
    throw error;
  }
  if (block.label !== label) throw new Sm2KeyError(labelProblem(block.label));
  return block.der;
}

function parse(decode: () => KeyHandle, kind: 'private' | 'public'): KeyHandle {
  try {
    return decode();
  } catch (error) {
    if (isAddonError(error, 'ERR_CITYTRUST_BAD_KEY')) {
      throw new Sm2KeyError(`cannot read the SM2 ${kind} key: ${error.message}`, { cause: error });
    }
    if (isAddonError(error, 'ERR_CITYTRUST_NOT_SM2')) throw new Sm2KeyError(error.message, { cause: error });
    throw error;
  }
}

function privateLabelProblem(found: string): string {
  switch (found) {
    case PUBLIC_LABEL:
      return 'this is a public key (PEM "PUBLIC KEY"); signing and decrypting need the private key (PEM "PRIVATE KEY")';
    case 'ENCRYPTED PRIVATE KEY':
      return 'this private key is encrypted (PEM "ENCRYPTED PRIVATE KEY"); decrypt it first with `openssl pkcs8 -in key.pem -out plain.pem` and protect plain.pem like the original';
    case 'EC PRIVATE KEY':
      return 'this is a SEC1 "EC PRIVATE KEY"; CityTrust reads PKCS#8: convert it with `openssl pkcs8 -topk8 -nocrypt -in key.pem -out key-pkcs8.pem`';
    default:
      return `expected a PEM "PRIVATE KEY" (PKCS#8) block, found "${found}"`;
  }
}

function publicLabelProblem(found: string): string {
  if (found.endsWith(PRIVATE_LABEL)) {
    return `this is a private key (PEM "${found}"); pass its public key (\`openssl pkey -in key.pem -pubout\`), or use importSm2PrivateKey(...).publicKey`;
  }
  if (found === 'CERTIFICATE') {
    return 'this is an X.509 certificate; extract its public key with `openssl x509 -in cert.pem -pubkey -noout`';
  }
  return `expected a PEM "PUBLIC KEY" (SubjectPublicKeyInfo) block, found "${found}"`;
}
