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
export async function signatureSetToValidIdentities(
  signatureSet: readonly SignedData[],
  msps: Pick<ChannelMsps, 'deserialize' | 'verify'>,
): Promise<{ identities: VerifiedIdentity[]; rejected: RejectedSignature[] }> {
  const rejected: RejectedSignature[] = [];
  // Fabric walks the set in order and skips an identity already accepted; grouping by identity
  // keeps exactly that outcome while different identities' signatures are checked concurrently.
  const byIdentity = new Map<string, Array<{ index: number; identity: VerifiedIdentity; signed: SignedData }>>();
  signatureSet.forEach((signed, index) => {
    try {
      const identity = msps.deserialize(signed.identity);
      const key = identityKey(identity);
      byIdentity.set(key, [...(byIdentity.get(key) ?? []), { index, identity, signed }]);
    } catch (error) {
      rejected.push({ index, reason: (error as Error).message });
    }
  });
  const accepted: Array<{ index: number; identity: VerifiedIdentity }> = [];
  await Promise.all([...byIdentity.values()].map(async (occurrences) => {
    let acceptedOne = false;
    for (const { index, identity, signed } of occurrences) {
      if (acceptedOne) {
        rejected.push({ index, reason: `${identity.mspId} identity ${identity.id} signed more than once; it counts once` });
      } else if (await msps.verify(identity, signed.data, signed.signature)) {
        accepted.push({ index, identity });
        acceptedOne = true;
      } else {
        rejected.push({ index, reason: `the signature of ${identity.mspId} identity ${identity.id} does not verify` });
      }
    }
  }));
  accepted.sort((a, b) => a.index - b.index);
  rejected.sort((a, b) => a.index - b.index);
  return { identities: accepted.map((a) => a.identity), rejected };
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
