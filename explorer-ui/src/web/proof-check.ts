import { parseProofBundle } from '@citytrust/network-config/dist/proofs/proof-bundle';
import type { ProofReport } from '@citytrust/network-config/dist/proofs/proof-report';
import { newProofVerifier } from '@citytrust/network-config/dist/proofs/proof-verifier';
import { browserProofCrypto } from '../crypto/browser-proof-crypto';

/**
 * Checks a proof bundle in the browser with network-config's own verifier, the checks of
 * `citytrust proof verify`, over the browser's crypto. Loaded only when a reader asks for a
 * check, so the verifier and Fabric's protobuf definitions stay out of the first page load.
 *
 * @throws ProofBundleFormatError naming the fields when the JSON is not a citytrust-proof/1 bundle.
 */
export function checkProof(json: unknown): Promise<ProofReport> {
  return verify(parseProofBundle(json));
}

const verify = newProofVerifier(browserProofCrypto);
