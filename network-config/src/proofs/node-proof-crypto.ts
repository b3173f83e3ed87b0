import { createHash, X509Certificate } from 'node:crypto';
import { importSm2PublicKey, sm2Verify, sm3, Sm2KeyError } from '@citytrust/shared';
import { verifyLowS } from '../client/ecdsa-signature';
import type { ProofCertificate, ProofCrypto } from './proof-crypto';

/**
 * {@link ProofCrypto} on Node: SHA-256, ECDSA and X.509 from `node:crypto`, SM2 and SM3 from
 * `@citytrust/shared` (Node's own OpenSSL). The default of {@link verifyProofBundle}.
 */
export const nodeProofCrypto: ProofCrypto = {
  sha256: (data) => createHash('sha256').update(data).digest(),
  sm3: (data) => sm3(data),
  certificate: (der) => nodeCertificate(new X509Certificate(der)),
  verifyEcdsa: (certificate, message, signature) => verifyLowS(certificateOf(certificate).publicKey, message, signature),
  verifySm2(publicKeyPem, message, signature) {
    try {
      return sm2Verify(importSm2PublicKey(publicKeyPem), message, signature);
    } catch (error) {
      if (error instanceof Sm2KeyError || error instanceof TypeError) return false;
      throw error;
    }
  },
};

const parsed = new WeakMap<ProofCertificate, X509Certificate>();

function nodeCertificate(x509: X509Certificate): ProofCertificate {
  const certificate: ProofCertificate = {
    der: x509.raw,
    subject: x509.subject.split('\n').join(', '),
    isCa: x509.ca,
    notBefore: new Date(x509.validFrom),
    notAfter: new Date(x509.validTo),
    issuedBy: (issuer) => {
      const issuerX509 = certificateOf(issuer);
      return x509.checkIssued(issuerX509) && x509.verify(issuerX509.publicKey);
    },
  };
  parsed.set(certificate, x509);
  return certificate;
}

function certificateOf(certificate: ProofCertificate): X509Certificate {
  return parsed.get(certificate) ?? new X509Certificate(certificate.der);
}
