import { createHash } from 'node:crypto';
import { msp } from '@hyperledger/fabric-protos';
import { verifyLowS } from '@citytrust/network-config';
import { IdentityError } from './identity-error';
import { LruCache } from './lru-cache';
import type { VerifiedIdentity } from './verified-identity';
import { assertValidAt, newX509Msp, type ChannelMspConfig, type MspIdentity, type X509Msp } from './x509-msp';

/**
 * The MSPs of one channel, one per department: Fabric's MSP manager (`msp/mspmgrimpl.go`) with
 * its identity cache (`msp/cache`). Everything that checks who signed (the endorser checking a
 * proposal's creator, the committer checking a transaction and its endorsements, policies) goes
 * through it.
 *
 * @example
 * ```ts
 * const msps = channelMsps([{ mspId: 'Org1MSP', rootCertificatesPem: [caPem], nodeOUs: true }]);
 * const creator = msps.deserialize(signatureHeader.getCreator_asU8()); // throws IdentityError
 * if (!(await msps.verify(creator, proposalBytes, signature))) throw new Error('bad signature');
 * ```
 */
export interface ChannelMsps {
  /** The channel's MSP ids, in configuration order. */
  readonly mspIds: readonly string[];
  /**
   * Deserialises an `msp.SerializedIdentity` and checks it: the MSP is one of the channel's, the
   * certificate chains to that MSP's root CA, it and its CAs are within validity now, and (with
   * NodeOUs) it has exactly one NodeOU role. Throws {@link IdentityError} naming the failed check.
   * Successful results are cached by the serialized bytes, so a returning signer costs a map
   * lookup and a clock comparison.
   */
  deserialize(serializedIdentity: Uint8Array): VerifiedIdentity;
  /**
   * Whether `signature` (DER ECDSA P-256 over SHA-256 of `message`) was made by the identity's key.
   * A high-S signature is invalid, as in Fabric. Never rejects. The curve arithmetic runs on
   * libuv's thread pool; a signature already found valid (the orderer checks a transaction's
   * signature at submit, the committer again at commit) is answered from a bounded memory.
   */
  verify(identity: VerifiedIdentity, message: Uint8Array, signature: Uint8Array): Promise<boolean>;
  /**
   * Records a signature this process has just made with `identity`'s key (a peer's endorsement),
   * so that verifying it at commit is answered from memory. In Fabric another process verifies
   * it; here that would only repeat arithmetic whose answer is known. Only for own signatures.
   */
  recordOwnSignature(identity: VerifiedIdentity, message: Uint8Array, signature: Uint8Array): void;
}

export interface ChannelMspsOptions {
  /** How many deserialised identities to keep; Fabric keeps 100 per MSP. */
  cacheSize?: number;
  /** The clock validity is checked against, in ms since the epoch; tests move it. */
  now?: () => number;
  /**
   * How many verified signatures to remember. A signature is needed again within one transaction's
   * life (endorse → submit → commit, well under a second), three per transaction: the default 4,096
   * covers over a second at a thousand transactions per second.
   */
  verifiedSignatureCacheSize?: number;
}

const DEFAULT_CACHE_SIZE = 1000;
const DEFAULT_VERIFIED_SIGNATURE_CACHE_SIZE = 4_096;

/** Builds a channel's MSPs; throws if a configuration could never validate anyone or an id repeats. */
export function channelMsps(configs: readonly ChannelMspConfig[], options: ChannelMspsOptions = {}): ChannelMsps {
  const msps = new Map<string, X509Msp>();
  for (const config of configs) {
    if (msps.has(config.mspId)) throw new Error(`MSP ${config.mspId} is configured twice on the channel: give each department one MSP`);
    msps.set(config.mspId, newX509Msp(config));
  }
  const mspIds = [...msps.keys()];
  const cache = new LruCache<string, MspIdentity>(options.cacheSize ?? DEFAULT_CACHE_SIZE);
  const now = options.now ?? Date.now;
  const verified = new LruCache<string, true>(options.verifiedSignatureCacheSize ?? DEFAULT_VERIFIED_SIGNATURE_CACHE_SIZE);
  // Who, what and the signature itself: a different message or signature is a different entry.
  const signatureKey = (identity: VerifiedIdentity, message: Uint8Array, signature: Uint8Array) =>
    `${identity.id}:${createHash('sha256').update(message).digest().toString('latin1')}:${Buffer.from(signature.buffer, signature.byteOffset, signature.byteLength).toString('latin1')}`;

  function checkIdentity(serializedIdentity: Uint8Array): MspIdentity {
    let mspId: string;
    let idBytes: Uint8Array;
    try {
      const parsed = msp.SerializedIdentity.deserializeBinary(serializedIdentity);
      mspId = parsed.getMspid();
      idBytes = parsed.getIdBytes_asU8();
    } catch (error) {
      throw new IdentityError('malformed', `identity is not an msp.SerializedIdentity protobuf: ${(error as Error).message}`);
    }
    const owner = msps.get(mspId);
    if (!owner) {
      throw new IdentityError(
        'unknown-msp',
        `unknown MSP id '${mspId}' (channel MSPs: ${mspIds.join(', ')}): the identity's department is not a member of this channel`,
        mspId,
      );
    }
    return owner.identity(idBytes, new Uint8Array(serializedIdentity));
  }

  return {
    mspIds,
    deserialize(serializedIdentity) {
      // latin1 maps each byte to one character: an exact, cheap key for the bytes.
      const key = Buffer.from(serializedIdentity.buffer, serializedIdentity.byteOffset, serializedIdentity.byteLength).toString('latin1');
      let checked = cache.get(key);
      if (!checked) {
        checked = checkIdentity(serializedIdentity);
        cache.set(key, checked);
      }
      assertValidAt(checked, now());
      return checked.identity;
    },
    async verify(identity, message, signature) {
      const key = signatureKey(identity, message, signature);
      if (verified.get(key)) return true;
      const valid = await verifyLowS(identity.publicKey, message, signature);
      if (valid) verified.set(key, true);
      return valid;
    },
    recordOwnSignature(identity, message, signature) {
      verified.set(signatureKey(identity, message, signature), true);
    },
  };
}
