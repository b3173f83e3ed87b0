import type { ChannelMsps, VerifiedIdentity } from '../msp';

/**
 * Fabric's `protoutil.SignedData`: a claim that `identity` (serialized `msp.SerializedIdentity`)
 * signed `data` with `signature`, e.g. an endorsement over the proposal response payload and the
 * endorser's identity.
 */
export interface SignedData {
  identity: Uint8Array;
  data: Uint8Array;
  signature: Uint8Array;
}

/** A signature that does not count toward a policy, and why. */
export interface RejectedSignature {
  index: number;
  reason: string;
}

/**
 * Fabric's `policies.SignatureSetToValidIdentities`: the identities, each once, whose signature
 * in the set is valid. Identities that fail their MSP's checks or whose signature does not verify
 * are left out (and reported); a repeated identity is skipped before its signature is checked, so
 * that a flood of copies costs no verification.
 */
export function signatureSetToValidIdentities(
  signatureSet: readonly SignedData[],
  msps: Pick<ChannelMsps, 'deserialize' | 'verify'>,
): { identities: VerifiedIdentity[]; rejected: RejectedSignature[] } {
  const seen = new Set<string>();
  const identities: VerifiedIdentity[] = [];
  const rejected: RejectedSignature[] = [];
  signatureSet.forEach((signed, index) => {
    let identity: VerifiedIdentity;
    try {
      identity = msps.deserialize(signed.identity);
    } catch (error) {
      rejected.push({ index, reason: (error as Error).message });
      return;
    }
    const key = identityKey(identity);
    if (seen.has(key)) {
      rejected.push({ index, reason: `${identity.mspId} identity ${identity.id} signed more than once; it counts once` });
      return;
    }
    if (!msps.verify(identity, signed.data, signed.signature)) {
      rejected.push({ index, reason: `the signature of ${identity.mspId} identity ${identity.id} does not verify` });
      return;
    }
    seen.add(key);
    identities.push(identity);
  });
  return { identities, rejected };
}

/** The identities with repeats removed (first occurrence kept), so that no signer counts twice. */
export function deduplicate(identities: readonly VerifiedIdentity[]): VerifiedIdentity[] {
  const seen = new Set<string>();
  return identities.filter((identity) => {
    const key = identityKey(identity);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Fabric's deduplication key: MSP id and certificate hash (`IdentityIdentifier`). */
function identityKey(identity: VerifiedIdentity): string {
  return `${identity.mspId}\u0000${identity.id}`;
}
