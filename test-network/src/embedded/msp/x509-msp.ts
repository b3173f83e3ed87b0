import { createHash, X509Certificate } from 'node:crypto';
import { certificateAuthority, chainToRoot, oneLine } from './certificate-authority';
import { IdentityError } from './identity-error';
import type { MspRole, VerifiedIdentity } from './verified-identity';

/** One department's MSP as a channel knows it: its CAs and whether NodeOUs tell roles apart. */
export interface ChannelMspConfig {
  mspId: string;
  /** The root CA certificates (PEM), the MSP's `cacerts`. */
  rootCertificatesPem: string[];
  /** CA certificates between the roots and the members (PEM), the MSP's `intermediatecerts`. */
  intermediateCertificatesPem?: string[];
  /**
   * Whether NodeOUs are enabled (`config.yaml` `NodeOUs.Enable`): each member certificate then
   * carries exactly one of the subject OUs `client`, `peer`, `admin`, `orderer`, which is its role.
   * Without NodeOUs every valid certificate is only a `member`.
   */
  nodeOUs: boolean;
}

/** A certificate's validity window, checked on every use because time moves on after caching. */
interface Validity {
  readonly what: string;
  readonly notBefore: number;
  readonly notAfter: number;
}

/**
 * An identity that passed every check that does not depend on the clock, with the validity windows
 * (its own and its CAs') that {@link assertValidAt} checks each time it is used.
 */
export interface MspIdentity {
  readonly identity: VerifiedIdentity;
  readonly validity: readonly Validity[];
}

/** The checks of one MSP: Fabric's `bccspmsp` (`msp/mspimpl.go`) for X.509 identities. */
export interface X509Msp {
  readonly mspId: string;
  /**
   * Checks the certificate an identity presents (`SerializedIdentity.id_bytes`, PEM) against this
   * MSP: key type, not a CA, chains to a root, NodeOU role. Throws {@link IdentityError}.
   */
  identity(certificatePem: Uint8Array, serialized: Uint8Array): MspIdentity;
}

const NODE_OU_ROLES: ReadonlySet<MspRole> = new Set(['client', 'peer', 'admin', 'orderer']);

/** Builds an MSP from its configuration, refusing CA certificates that could never validate anyone. */
export function newX509Msp(config: ChannelMspConfig): X509Msp {
  const { mspId } = config;
  if (config.rootCertificatesPem.length === 0) {
    throw new Error(`MSP ${mspId} has no root CA certificate: give the PEM of the CA that issues its members' certificates`);
  }
  const roots = config.rootCertificatesPem.map((pem, i) => certificateAuthority(pem, `${mspId} root certificate ${i}`));
  const intermediates = (config.intermediateCertificatesPem ?? []).map((pem, i) =>
    certificateAuthority(pem, `${mspId} intermediate certificate ${i}`),
  );
  for (const intermediate of intermediates) {
    if (chainToRoot(intermediate.certificate, roots, intermediates.filter((ca) => ca !== intermediate)).length === 0) {
      throw new Error(
        `${mspId} intermediate certificate ${oneLine(intermediate.certificate.subject)} does not chain to any of ${mspId}'s root certificates: list the root that issued it`,
      );
    }
  }
  const trusted = roots.map((ca) => oneLine(ca.certificate.subject)).join('; ');

  return {
    mspId,
    identity(certificatePem, serialized) {
      const certificate = parseIdentityCertificate(mspId, certificatePem);
      const subject = oneLine(certificate.subject);
      const publicKey = certificate.publicKey;
      if (publicKey.asymmetricKeyType !== 'ec' || publicKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
        throw new IdentityError(
          'unsupported-key',
          `certificate ${subject} of ${mspId} has a ${publicKey.asymmetricKeyType ?? 'unknown'} key; the embedded ledger verifies only ECDSA P-256 keys (Fabric's default crypto)`,
          mspId,
        );
      }
      if (certificate.ca) {
        throw new IdentityError(
          'ca-certificate',
          `certificate ${subject} is a CA certificate (basicConstraints CA:TRUE) and cannot act as an identity of ${mspId}, as in Fabric: sign with a member certificate the CA issued`,
          mspId,
        );
      }
      const chain = chainToRoot(certificate, roots, intermediates);
      if (chain.length === 0) {
        throw new IdentityError(
          'untrusted-issuer',
          `certificate ${subject} is not issued by ${mspId}'s CA (its issuer: ${oneLine(certificate.issuer)}; ${mspId} trusts: ${trusted}): use a certificate from ${mspId}'s CA, or claim the MSP whose CA issued it`,
          mspId,
        );
      }
      const roles = new Set<MspRole>(['member']);
      if (config.nodeOUs) roles.add(nodeOuRole(mspId, certificate, subject));
      return {
        identity: {
          mspId,
          id: createHash('sha256').update(certificate.raw).digest('hex'),
          certificate,
          publicKey,
          roles,
          serialized,
        },
        validity: [
          validity(`certificate ${subject} of ${mspId}`, certificate),
          ...chain.map((ca) => validity(`${mspId}'s CA certificate ${oneLine(ca.certificate.subject)}`, ca.certificate)),
        ],
      };
    },
  };
}

/**
 * Throws unless `now` (ms since the epoch) is within every window. Fabric's MSP itself ignores
 * expiry (FAB-3678) and leaves it to the orderer's and gateway's expiration checks; the embedded
 * ledger has one place for it, here.
 */
export function assertValidAt({ identity, validity }: MspIdentity, now: number): void {
  for (const window of validity) {
    if (now < window.notBefore) {
      throw new IdentityError(
        'not-yet-valid',
        `${window.what} is not valid before ${new Date(window.notBefore).toISOString()}: wait, or check this machine's clock`,
        identity.mspId,
      );
    }
    if (now > window.notAfter) {
      throw new IdentityError(
        'expired',
        `${window.what} expired on ${new Date(window.notAfter).toISOString()}: enrol again for a fresh certificate`,
        identity.mspId,
      );
    }
  }
}

function parseIdentityCertificate(mspId: string, certificatePem: Uint8Array): X509Certificate {
  const text = Buffer.from(certificatePem.buffer, certificatePem.byteOffset, certificatePem.byteLength).toString('latin1');
  // Fabric reads id_bytes with pem.Decode: a DER certificate is refused there too.
  if (!text.trimStart().startsWith('-----BEGIN ')) {
    throw new IdentityError(
      'malformed',
      `identity claiming ${mspId} does not carry a PEM certificate: msp.SerializedIdentity.id_bytes must be the PEM text of an X.509 certificate`,
      mspId,
    );
  }
  try {
    return new X509Certificate(text);
  } catch (error) {
    throw new IdentityError('malformed', `identity claiming ${mspId} carries an unreadable certificate: ${(error as Error).message}`, mspId);
  }
}

/** Fabric's `validateIdentityOUsV142`: exactly one of the NodeOU roles among the subject's OUs. */
function nodeOuRole(mspId: string, certificate: X509Certificate, subject: string): MspRole {
  const ous = organizationalUnits(certificate);
  const roles = ous.filter((ou): ou is MspRole => NODE_OU_ROLES.has(ou as MspRole));
  const [role, ...others] = roles;
  if (role === undefined) {
    throw new IdentityError(
      'node-ou',
      `certificate ${subject} of ${mspId} has no NodeOU role (subject OU ${ous.length ? ous.join(', ') : 'absent'}; expected one of client, peer, admin, orderer): ${mspId} enables NodeOUs, so its CA must put the member's role in the subject OU`,
      mspId,
    );
  }
  if (others.length > 0) {
    throw new IdentityError(
      'node-ou',
      `certificate ${subject} of ${mspId} has several NodeOU roles (${roles.join(', ')}): Fabric requires exactly one of client, peer, admin, orderer`,
      mspId,
    );
  }
  return role;
}

function organizationalUnits(certificate: X509Certificate): string[] {
  // Node parses the subject (escapes, multi-valued OUs) for us; an OU is a string, or an array when repeated.
  const ou: unknown = certificate.toLegacyObject().subject.OU;
  if (ou === undefined) return [];
  return Array.isArray(ou) ? ou.map(String) : [String(ou)];
}

function validity(what: string, certificate: X509Certificate): Validity {
  return { what, notBefore: Date.parse(certificate.validFrom), notAfter: Date.parse(certificate.validTo) };
}
