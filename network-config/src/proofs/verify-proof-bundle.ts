import { nodeProofCrypto } from './node-proof-crypto';
import type { ProofBundle } from './proof-bundle';
import type { ProofReport } from './proof-report';
import { newProofVerifier, type ProofVerificationOptions } from './proof-verifier';

const verifyOnNode = newProofVerifier(nodeProofCrypto);

/**
 * Checks a proof bundle on Node, offline: (a) the transaction is in the block, (b) the block's
 * data hash, (c) the block signed by the ordering service, (d) the validation code, (e) the
 * seal against the department's key as it was at the transaction's time; and that the creator
 * is a member of the department it names. Valid only when every check passes.
 *
 * @example
 * ```ts
 * const report = await verifyProofBundle(parseProofBundle(JSON.parse(text)), { trustedOrdererRoots: [ordererCaPem] });
 * for (const check of report.checks) console.log(check.passed ? 'ok  ' : 'FAIL', check.id, check.reason);
 * ```
 */
export function verifyProofBundle(bundle: ProofBundle, options: ProofVerificationOptions = {}): Promise<ProofReport> {
  return verifyOnNode(bundle, options);
}
