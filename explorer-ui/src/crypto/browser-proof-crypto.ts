import { p256 } from '@noble/curves/p256';
import { sha256 } from '@noble/hashes/sha2';
import type { ProofCrypto } from '@citytrust/network-config/dist/proofs/proof-crypto';
import { decodeDerSignature } from './der';
import { sm2PublicKeyFromPem, sm2Verify } from './sm2';
import { sm3 } from './sm3';
import { parseCertificate, type ParsedCertificate } from './x509';

/** The order n of the P-256 group, for Fabric's low-S rule. */
const P256_HALF_ORDER = p256.CURVE.n >> 1n;

/**
 * {@link ProofCrypto} for the browser, so the explorer runs network-config's own proof verifier,
 * the same checks as `citytrust proof verify`: SHA-256 and ECDSA P-256 from @noble, SM2/SM3 and
 * X.509 parsing from this folder. Nothing here needs Node or a server.
 */
export const browserProofCrypto: ProofCrypto = {
  sha256: (data) => sha256(data),
  sm3,
  certificate: parseCertificate,
  async verifyEcdsa(certificate, message, signature) {
    const key = (certificate as ParsedCertificate).p256PublicKey;
    const parsed = decodeDerSignature(signature);
    // Fabric's rule (bccsp IsLowS): strict DER, 0 < r, s < n, and s ≤ n/2.
    if (!key || !parsed || parsed.r <= 0n || parsed.r >= p256.CURVE.n || parsed.s <= 0n || parsed.s > P256_HALF_ORDER) return false;
    try {
      return p256.verify(signature, sha256(message), key, { lowS: true, format: 'der' });
    } catch {
      return false;
    }
  },
  verifySm2(publicKeyPem, message, signature) {
    try {
      return sm2Verify(sm2PublicKeyFromPem(publicKeyPem), message, signature);
    } catch {
      return false;
    }
  },
};
