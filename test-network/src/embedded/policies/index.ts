/**
 * Policies over verified identities for the embedded ledger: signature policies (the policy DSL's
 * `AND`, `OR`, `OutOf` over MSP principals) and implicit meta policies (`MAJORITY Endorsement`).
 * The twin of Fabric's `common/policies` and `common/cauthdsl`.
 */
export type { Policy, PolicyResult } from './policy';
export { signaturePolicy } from './signature-policy';
export { implicitMetaPolicy } from './implicit-meta-policy';
export type { ImplicitMetaRule } from './implicit-meta-policy';
export { signatureSetToValidIdentities, deduplicate } from './signature-set';
export type { SignedData, RejectedSignature } from './signature-set';
