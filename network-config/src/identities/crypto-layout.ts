import { join } from 'node:path';

/**
 * Where cryptogen puts things (`cmd/cryptogen/main.go`, `internal/cryptogen/msp/msp.go`), as one
 * set of functions shared by the generator and the loader:
 *
 * ```
 * <cryptoDir>/peerOrganizations/<domain>/
 *   ca/      priv_sk, ca.<domain>-cert.pem
 *   tlsca/   priv_sk, tlsca.<domain>-cert.pem
 *   msp/     admincerts/ cacerts/ tlscacerts/ config.yaml              (the organisation's verifying MSP)
 *   peers/peer0.<domain>/{msp,tls}
 *   users/Admin@<domain>/{msp,tls}, users/User1@<domain>/{msp,tls}
 * <cryptoDir>/ordererOrganizations/<domain>/
 *   ca/ tlsca/ msp/ orderers/orderer<i>.<domain>/{msp,tls} users/Admin@<domain>/{msp,tls}
 * ```
 */

export type OrganizationKind = 'peerOrganizations' | 'ordererOrganizations';

/** The NodeOU role a local MSP's certificate carries; it also decides the TLS file prefix. */
export type NodeType = 'client' | 'peer' | 'admin' | 'orderer';

/** An organisation's folder: `<cryptoDir>/peerOrganizations/<domain>` or `<cryptoDir>/ordererOrganizations/<domain>`. */
export function organizationDir(cryptoDir: string, kind: OrganizationKind, domain: string): string {
  return join(cryptoDir, kind, domain);
}

export const signingCaName = (domain: string): string => `ca.${domain}`;
export const tlsCaName = (domain: string): string => `tlsca.${domain}`;
export const adminName = (domain: string): string => `Admin@${domain}`;
/** cryptogen numbers users from 1; CityTrust asks for one (`Users: Count: 1`). */
export const userName = (domain: string): string => `User1@${domain}`;

/** A CA folder (`ca/` or `tlsca/`): its key and its certificate. */
export function certificateAuthorityFiles(caDir: string, name: string): { privateKey: string; certificate: string } {
  return { privateKey: join(caDir, 'priv_sk'), certificate: join(caDir, certificateFileName(name)) };
}

/** cryptogen's x509Filename. */
export function certificateFileName(name: string): string {
  return `${name}-cert.pem`;
}

/** The files of a node's or user's local MSP and TLS folders. */
export interface LocalMspFiles {
  readonly mspDir: string;
  readonly signingCertificate: string;
  readonly privateKey: string;
  readonly tlsDir: string;
  readonly tlsCertificate: string;
  readonly tlsPrivateKey: string;
  readonly tlsCaCertificate: string;
}

export function localMspFiles(nodeDir: string, name: string, type: NodeType): LocalMspFiles {
  const mspDir = join(nodeDir, 'msp');
  const tlsDir = join(nodeDir, 'tls');
  // cryptogen names TLS files after what the identity does: users connect, nodes serve.
  const tlsPrefix = type === 'client' || type === 'admin' ? 'client' : 'server';
  return {
    mspDir,
    signingCertificate: join(mspDir, 'signcerts', certificateFileName(name)),
    privateKey: join(mspDir, 'keystore', 'priv_sk'),
    tlsDir,
    tlsCertificate: join(tlsDir, `${tlsPrefix}.crt`),
    tlsPrivateKey: join(tlsDir, `${tlsPrefix}.key`),
    tlsCaCertificate: join(tlsDir, 'ca.crt'),
  };
}
