/**
 * What {@link verifyProofBundle} found: each check with whether it passed and why, in the
 * order a reader follows the evidence (transaction → block → ordering service → seal).
 */

/** The checks, by stable names that tools and tests can rely on. */
export type ProofCheckId =
  /** (a) The envelope at the bundle's index is the transaction, with a genuine id, on this channel. */
  | 'transaction'
  /** (b) The block header's data hash is Fabric's hash of the block's envelopes. */
  | 'data-hash'
  /** The transaction is signed by its creator, a member of the department (MSP) it names. */
  | 'creator'
  /** The orderer roots come from the channel's last config block (or are pinned by the verifier). */
  | 'trust-roots'
  /** (c) The block, and its config block, are signed by the ordering service. */
  | 'orderer-signature'
  /** (d) The transaction's validation code is VALID. */
  | 'validation-code'
  /** (e) The seal is the one the transaction recorded, made by the submitting department at the transaction's time. */
  | 'seal-recorded'
  /** (e) The record's canonical JSON hashes (SM3) to the seal's digest. */
  | 'seal-digest'
  /** (e) The SM2 signature over the digest verifies with the key. */
  | 'seal-signature'
  /** (e) The key is the seal's (SM3 of the key), the submitting department's, and was valid at the transaction's time. */
  | 'seal-key';

export interface ProofCheck {
  readonly id: ProofCheckId;
  readonly passed: boolean;
  /** Why it passed (what was checked against what) or why it failed. */
  readonly reason: string;
}

export interface ProofReport {
  /** True only when every check passed. */
  readonly valid: boolean;
  readonly transactionId: string;
  readonly blockNumber: number;
  readonly channel: string;
  /**
   * Where the orderer's trust roots came from: `pinned`, given by the verifier from elsewhere;
   * `bundle`, taken from the bundle's config block, which proves consistency, not who the
   * ordering service is: pin the roots (`--orderer-ca`) for that.
   */
  readonly trustRoots: 'pinned' | 'bundle';
  readonly checks: readonly ProofCheck[];
}
