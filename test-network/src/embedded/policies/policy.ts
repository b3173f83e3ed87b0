import type { VerifiedIdentity } from '../msp';

/**
 * A rule over who signed, Fabric's `policies.Policy` evaluated with `EvaluateIdentities`: the
 * identities are already deserialised, checked against their MSP and their signatures verified
 * (see {@link signatureSetToValidIdentities}). A policy counts each identity once, however often
 * it appears.
 */
export interface Policy {
  evaluate(identities: readonly VerifiedIdentity[]): PolicyResult;
}

export interface PolicyResult {
  satisfied: boolean;
  /** Why not, naming what was missing; absent when satisfied. */
  reason?: string;
}
