import { createHash, randomBytes, webcrypto } from 'node:crypto';
import { ecdsaWithSha256, generateKeyPair, lowSCrypto, pemEncode, publicKeyPoint } from './ecdsa';
import { x509 } from './x509-library';

/**
 * A certificate authority as cryptogen makes one (`internal/cryptogen/ca/ca.go`): a self-signed
 * ECDSA P-256 root whose subject is `C=US, ST=California, L=San Francisco, O=<domain>, CN=<name>`
 * and which signs an organisation's identity or TLS certificates.
 */
export interface CertificateAuthority {
  /** `ca.<domain>` for identities, `tlsca.<domain>` for TLS; also the certificate's file name stem. */
  readonly name: string;
  readonly certificate: x509.X509Certificate;
  readonly certificatePem: string;
  readonly signingKey: webcrypto.CryptoKey;
}

/** What a signed certificate should say; mirrors the arguments of cryptogen's `SignCertificate`. */
export interface CertificateRequest {
  /** The common name: a host name (`peer0.<domain>`) or a user (`Admin@<domain>`). */
  readonly commonName: string;
  /** NodeOU roles (`peer`, `client`, `admin`, `orderer`); empty for TLS certificates. */
  readonly organizationalUnits: readonly string[];
  /** DNS names and IP addresses for TLS certificates. */
  readonly alternativeNames: readonly string[];
  readonly publicKey: webcrypto.CryptoKey;
  readonly keyUsages: x509.KeyUsageFlags;
  readonly extendedKeyUsages: readonly string[];
}

/** cryptogen's default subject: its `subjectTemplate`. */
const subjectBase: x509.JsonName = [{ C: ['US'] }, { ST: ['California'] }, { L: ['San Francisco'] }];

const tenYearsMs = 3650 * 24 * 60 * 60 * 1000;

/**
 * Creates a self-signed CA with the key usages, extended key usages and subject key id cryptogen
 * gives it. Its signing key is extractable so that it can be written to `priv_sk`.
 */
export async function createCertificateAuthority(organization: string, name: string): Promise<CertificateAuthority> {
  const keys = await generateKeyPair();
  const { notBefore, notAfter } = validity();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialNumber(),
    name: [...subjectBase, { O: [organization] }, { CN: [name] }],
    notBefore,
    notAfter,
    keys,
    signingAlgorithm: ecdsaWithSha256,
    extensions: [
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment | x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
        true,
      ),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth, x509.ExtendedKeyUsage.serverAuth], false),
      new x509.BasicConstraintsExtension(true, undefined, true),
      // RFC 7093 method 4, as cryptogen's computeSKI: SHA-256 of the uncompressed public point.
      new x509.SubjectKeyIdentifierExtension(createHash('sha256').update(await publicKeyPoint(keys.publicKey)).digest('hex'), false),
    ],
  }, lowSCrypto);
  return { name, certificate, certificatePem: certificatePem(certificate), signingKey: keys.privateKey };
}

/** Rebuilds a CA from its certificate and key, e.g. read back from `ca/`. */
export function certificateAuthority(name: string, certificatePemText: string, signingKey: webcrypto.CryptoKey): CertificateAuthority {
  const certificate = new x509.X509Certificate(certificatePemText);
  return { name, certificate, certificatePem: certificatePemText, signingKey };
}

/**
 * Signs a leaf certificate as cryptogen's `SignCertificate`: the CA's default subject plus the
 * request's OUs and common name, basic constraints CA:FALSE, the authority key id of the CA.
 * Returns the certificate as PEM.
 */
export async function signCertificate(authority: CertificateAuthority, request: CertificateRequest): Promise<string> {
  const { notBefore, notAfter } = validity();
  const authorityKeyId = authority.certificate.getExtension(x509.SubjectKeyIdentifierExtension);
  if (authorityKeyId === null) throw new Error(`CA ${authority.name} has no subject key identifier; regenerate its crypto material`);
  const extensions: x509.Extension[] = [new x509.KeyUsagesExtension(request.keyUsages, true)];
  if (request.extendedKeyUsages.length > 0) extensions.push(new x509.ExtendedKeyUsageExtension([...request.extendedKeyUsages], false));
  extensions.push(new x509.BasicConstraintsExtension(false, undefined, true));
  extensions.push(new x509.AuthorityKeyIdentifierExtension(authorityKeyId.keyId, false));
  if (request.alternativeNames.length > 0) extensions.push(alternativeNamesExtension(request.alternativeNames));
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: serialNumber(),
    subject: [...subjectBase, ...request.organizationalUnits.map((ou) => ({ OU: [ou] })), { CN: [request.commonName] }],
    issuer: authority.certificate.subjectName,
    notBefore,
    notAfter,
    publicKey: request.publicKey,
    signingKey: authority.signingKey,
    signingAlgorithm: ecdsaWithSha256,
    extensions,
  }, lowSCrypto);
  return certificatePem(certificate);
}

/** Like cryptogen, IP addresses become IP SANs and everything else DNS SANs (DNS names listed first, as Go does). */
function alternativeNamesExtension(names: readonly string[]): x509.SubjectAlternativeNameExtension {
  const isIp = (name: string) => /^\d{1,3}(\.\d{1,3}){3}$/.test(name) || name.includes(':');
  return new x509.SubjectAlternativeNameExtension([
    ...names.filter((name) => !isIp(name)).map((value) => ({ type: 'dns' as const, value })),
    ...names.filter(isIp).map((value) => ({ type: 'ip' as const, value })),
  ], false);
}

/** cryptogen's x509Template: now rounded to the minute, backdated 5 minutes, valid about ten years. */
function validity(): { notBefore: Date; notAfter: Date } {
  const minute = 60_000;
  const notBefore = new Date(Math.round(Date.now() / minute) * minute - 5 * minute);
  return { notBefore, notAfter: new Date(notBefore.getTime() + tenYearsMs) };
}

/** A random positive serial below 2^128, as cryptogen draws it. */
function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] as number) & 0x7f;
  return bytes.toString('hex');
}

function certificatePem(certificate: x509.X509Certificate): string {
  return pemEncode('CERTIFICATE', new Uint8Array(certificate.rawData));
}
