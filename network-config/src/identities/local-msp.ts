import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateKeyPair, privateKeyToPem } from './ecdsa';
import { signCertificate, type CertificateAuthority } from './certificate-authority';
import { certificateFileName, localMspFiles, type NodeType } from './crypto-layout';
import { x509 } from './x509-library';

/**
 * MSP folders as cryptogen writes them (`internal/cryptogen/msp/msp.go`), always with NodeOUs
 * enabled: a verifying MSP for the organisation (CA certificates and `config.yaml`) and a local
 * MSP plus TLS folder for each node and user.
 */

const directoryMode = 0o755;
const certificateMode = 0o644;
/** Private keys are readable by their owner only, as cryptogen's `os.WriteFile(..., 0o600)`. */
export const privateKeyMode = 0o600;

/** Writes `msp/` of an organisation: the CA certificates every member chains to, and the NodeOU rules. */
export function writeVerifyingMsp(mspDir: string, signingCa: CertificateAuthority, tlsCa: CertificateAuthority): void {
  for (const folder of ['admincerts', 'cacerts', 'tlscacerts']) mkdirSync(join(mspDir, folder), { recursive: true, mode: directoryMode });
  writeCaCertificates(mspDir, signingCa, tlsCa);
}

/**
 * Generates the local MSP and TLS material of one node or user under `nodeDir`: an identity
 * certificate with the node type as OU, and a TLS certificate from the TLS CA carrying `sans`.
 */
export async function generateLocalMsp(
  nodeDir: string,
  name: string,
  sans: readonly string[],
  signingCa: CertificateAuthority,
  tlsCa: CertificateAuthority,
  type: NodeType,
): Promise<void> {
  const files = localMspFiles(nodeDir, name, type);
  for (const folder of ['admincerts', 'cacerts', 'tlscacerts', 'keystore', 'signcerts']) {
    mkdirSync(join(files.mspDir, folder), { recursive: true, mode: directoryMode });
  }
  mkdirSync(files.tlsDir, { recursive: true, mode: directoryMode });

  const identityKeys = await generateKeyPair();
  writeFileSync(files.privateKey, await privateKeyToPem(identityKeys.privateKey), { mode: privateKeyMode });
  const identityCertificate = await signCertificate(signingCa, {
    commonName: name,
    organizationalUnits: [type],
    alternativeNames: [],
    publicKey: identityKeys.publicKey,
    keyUsages: x509.KeyUsageFlags.digitalSignature,
    extendedKeyUsages: [],
  });
  writeFileSync(files.signingCertificate, identityCertificate, { mode: certificateMode });
  writeCaCertificates(files.mspDir, signingCa, tlsCa);

  const tlsKeys = await generateKeyPair();
  const tlsCertificate = await signCertificate(tlsCa, {
    commonName: name,
    organizationalUnits: [],
    alternativeNames: sans,
    publicKey: tlsKeys.publicKey,
    keyUsages: x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
    extendedKeyUsages: [x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth],
  });
  writeFileSync(files.tlsCaCertificate, tlsCa.certificatePem, { mode: certificateMode });
  writeFileSync(files.tlsCertificate, tlsCertificate, { mode: certificateMode });
  writeFileSync(files.tlsPrivateKey, await privateKeyToPem(tlsKeys.privateKey), { mode: privateKeyMode });
}

/**
 * cryptogen's `config.yaml`: NodeOUs enabled, each role recognised by its OU on a certificate
 * issued by the organisation's CA (`caFile` is relative to the MSP folder).
 */
export function nodeOusConfig(caFile: string): string {
  const identifier = (ou: string) => `    Certificate: ${caFile}\n    OrganizationalUnitIdentifier: ${ou}\n`;
  return 'NodeOUs:\n'
    + '  Enable: true\n'
    + `  ClientOUIdentifier:\n${identifier('client')}`
    + `  PeerOUIdentifier:\n${identifier('peer')}`
    + `  AdminOUIdentifier:\n${identifier('admin')}`
    + `  OrdererOUIdentifier:\n${identifier('orderer')}`;
}

function writeCaCertificates(mspDir: string, signingCa: CertificateAuthority, tlsCa: CertificateAuthority): void {
  const caFile = join('cacerts', certificateFileName(signingCa.name));
  writeFileSync(join(mspDir, caFile), signingCa.certificatePem, { mode: certificateMode });
  writeFileSync(join(mspDir, 'tlscacerts', certificateFileName(tlsCa.name)), tlsCa.certificatePem, { mode: certificateMode });
  writeFileSync(join(mspDir, 'config.yaml'), nodeOusConfig(caFile.split('\\').join('/')), { mode: certificateMode });
}
