/**
 * The SM2 addon (native/citytrust_crypto.c), loaded on first use so that code which never
 * touches SM2 keeps working where the addon was not built.
 *
 * Internal to the crypto module: the functions trust their callers (keys.ts, sm2.ts,
 * sm2-encryption.ts) to have checked and converted every argument.
 */

/** An opaque parsed key held by the addon: an OpenSSL EVP_PKEY and what signing needs from it, freed (and wiped) when garbage-collected. */
export interface KeyHandle {
  readonly __brand: 'citytrust.KeyHandle';
}

/** What the addon exports; see native/citytrust_crypto.c for the contract of each function. */
export interface Sm2Addon {
  generateKey(): KeyHandle;
  /** DER PKCS#8 PrivateKeyInfo → private-key handle. */
  importPrivateKey(der: Buffer): KeyHandle;
  /** DER SubjectPublicKeyInfo → public-key handle. */
  importPublicKey(der: Buffer): KeyHandle;
  exportPrivateKey(handle: KeyHandle): Buffer;
  exportPublicKey(handle: KeyHandle): Buffer;
  /** The public point uncompressed: 04 ‖ x ‖ y. */
  publicPoint(handle: KeyHandle): Buffer;
  /** DER signature over SM3(Z ‖ message), Z over `userId`. */
  sign(handle: KeyHandle, message: Buffer, userId: Buffer): Buffer;
  verify(handle: KeyHandle, message: Buffer, signature: Buffer, userId: Buffer): boolean;
  /** As `sign`, computed on libuv's thread pool. */
  signAsync(handle: KeyHandle, message: Buffer, userId: Buffer): Promise<Buffer>;
  /** As `verify`, computed on libuv's thread pool. */
  verifyAsync(handle: KeyHandle, message: Buffer, signature: Buffer, userId: Buffer): Promise<boolean>;
  /**
   * OpenSSL's own SM2 signing (EVP_DigestSign), which `sign` replaces with faster arithmetic of its
   * own. Only the differential tests call it: they hold `sign` and `verify` to OpenSSL's answers.
   */
  referenceSign(handle: KeyHandle, message: Buffer, userId: Buffer): Buffer;
  /** OpenSSL's own SM2 verification (EVP_DigestVerify); only the differential tests call it. */
  referenceVerify(handle: KeyHandle, message: Buffer, signature: Buffer, userId: Buffer): boolean;
  /** k·G as 04 ‖ x ‖ y, by the constant-time path `sign` uses (k: 32 bytes, 1 ≤ k ≤ n − 1); only tests call it. */
  multiplyBase(k: Buffer): Buffer;
  /** DER C1 ‖ C3 ‖ C2. */
  encrypt(handle: KeyHandle, plaintext: Buffer): Buffer;
  decrypt(handle: KeyHandle, ciphertext: Buffer): Buffer;
}

/** An error the addon threw, with its `ERR_CITYTRUST_*` code. */
export interface AddonError extends Error {
  readonly code: string;
}

/** Thrown when the compiled addon is missing or cannot be loaded into this Node. */
export class Sm2AddonUnavailableError extends Error {
  constructor(cause: unknown) {
    super(
      `the CityTrust SM2 addon (shared/build/Release/citytrust_crypto.node) cannot be loaded (${firstLine(cause)}). ` +
        'Build it with `npm install` (or `npm rebuild @citytrust/shared`) at the repository root; ' +
        'that needs a C compiler, make, python3 and Node\'s headers (offline: `export npm_package_config_node_gyp_nodedir=/usr` first).',
      { cause },
    );
    this.name = 'Sm2AddonUnavailableError';
  }
}

function firstLine(cause: unknown): string {
  return (cause instanceof Error ? cause.message : String(cause)).split('\n')[0] ?? '';
}

const ADDON_PATH = '../../build/Release/citytrust_crypto.node';
let loaded: Sm2Addon | undefined;

/** The addon, loading it the first time. */
export function addon(): Sm2Addon {
  if (loaded === undefined) {
    try {
      loaded = require(ADDON_PATH) as Sm2Addon;
    } catch (error) {
      throw new Sm2AddonUnavailableError(error);
    }
  }
  return loaded;
}

/** Whether `error` came from the addon with the given code. */
export function isAddonError(error: unknown, code: string): error is AddonError {
  return error instanceof Error && (error as Partial<AddonError>).code === code;
}
