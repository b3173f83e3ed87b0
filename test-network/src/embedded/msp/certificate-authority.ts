import { X509Certificate, type KeyObject } from 'node:crypto';

/**
 * A CA certificate an MSP trusts (a root) or accepts on the way to a root (an intermediate), with
 * its public key imported once: every chain check verifies a signature with it.
 */
export interface CertificateAuthority {
  readonly certificate: X509Certificate;
  readonly publicKey: KeyObject;
}

/** Parses a CA certificate from PEM, refusing one that cannot issue certificates. */
export function certificateAuthority(pem: string, what: string): CertificateAuthority {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(pem);
  } catch (error) {
    throw new Error(`${what} is not a PEM X.509 certificate (${(error as Error).message}): give the CA's cacerts/*.pem content`);
  }
  if (!certificate.ca) {
    throw new Error(`${what} (${oneLine(certificate.subject)}) is not a CA certificate (basicConstraints CA:TRUE): an MSP's root and intermediate certificates must be CAs`);
  }
  return { certificate, publicKey: certificate.publicKey };
}

/**
 * The CAs from `certificate` up to one of `roots`, through `intermediates`: Fabric's
 * `getUniqueValidationChain` (Go's `x509.Certificate.Verify`) without the time check, which the
 * caller makes on each use. Empty when the certificate does not chain to a root. A link holds when
 * the issuer name matches the subject and the issuer's key verifies the signature.
 */
export function chainToRoot(
  certificate: X509Certificate,
  roots: readonly CertificateAuthority[],
  intermediates: readonly CertificateAuthority[],
): CertificateAuthority[] {
  const chain: CertificateAuthority[] = [];
  let current = certificate;
  // Each intermediate is used at most once, so the walk ends even on a cycle of cross-signed CAs.
  for (let depth = 0; depth <= intermediates.length; depth++) {
    const root = roots.find((ca) => issuedBy(current, ca));
    if (root) return [...chain, root];
    const next = intermediates.find((ca) => !chain.includes(ca) && issuedBy(current, ca));
    if (!next) return [];
    chain.push(next);
    current = next.certificate;
  }
  return [];
}

function issuedBy(certificate: X509Certificate, ca: CertificateAuthority): boolean {
  return certificate.checkIssued(ca.certificate) && certificate.verify(ca.publicKey);
}

/** A distinguished name on one line, `CN=…, OU=…`, for messages. */
export function oneLine(distinguishedName: string): string {
  return distinguishedName.split('\n').join(', ');
}
