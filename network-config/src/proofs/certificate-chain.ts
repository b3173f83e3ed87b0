import type { ProofCertificate } from './proof-crypto';

/**
 * Whether `certificate` chains to one of `roots` through `intermediates`, as an MSP validates an
 * identity (Go's `x509.Certificate.Verify` without the time check, which the caller makes at the
 * time that matters). Each intermediate is used at most once, so cross-signed cycles end.
 *
 * @returns the chain's CAs up to the root, or undefined when there is none.
 */
export function chainToRoot(certificate: ProofCertificate, roots: readonly ProofCertificate[], intermediates: readonly ProofCertificate[]): ProofCertificate[] | undefined {
  const chain: ProofCertificate[] = [];
  let current = certificate;
  for (let depth = 0; depth <= intermediates.length; depth++) {
    const root = roots.find((ca) => ca.isCa && current.issuedBy(ca));
    if (root) return [...chain, root];
    const next = intermediates.find((ca) => ca.isCa && !chain.includes(ca) && current.issuedBy(ca));
    if (!next) return undefined;
    chain.push(next);
    current = next;
  }
  return undefined;
}

/** Why a certificate cannot sign at `at`, or undefined when it can: a CA, or outside its validity. */
export function signingCertificateProblem(certificate: ProofCertificate, at: Date): string | undefined {
  if (certificate.isCa) return `${certificate.subject} is a CA certificate, which Fabric does not accept as a signer`;
  if (at < certificate.notBefore) return `${certificate.subject} is valid only from ${certificate.notBefore.toISOString()}, after ${at.toISOString()}`;
  if (at > certificate.notAfter) return `${certificate.subject} expired on ${certificate.notAfter.toISOString()}, before ${at.toISOString()}`;
  return undefined;
}
