import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { DepartmentDescription, NetworkDescription } from '../network-description';
import { loopbackHost, ordererNodes, peerNode } from '../network-nodes';
import { certificateAuthority, createCertificateAuthority, type CertificateAuthority } from './certificate-authority';
import {
  adminName, certificateAuthorityFiles, certificateFileName, localMspFiles, organizationDir, signingCaName, tlsCaName, userName,
  type NodeType, type OrganizationKind,
} from './crypto-layout';
import { privateKeyFromPem, privateKeyToPem } from './ecdsa';
import { generateLocalMsp, privateKeyMode, writeVerifyingMsp } from './local-msp';

/** A signing identity: the certificate an MSP recognises and the key that signs for it. */
export interface Identity {
  readonly mspId: string;
  /** The certificate's common name, e.g. `peer0.bigdata.citytrust.local` or `Admin@bigdata.citytrust.local`. */
  readonly name: string;
  readonly certificatePem: string;
  readonly privateKeyPem: string;
  /** The identity's local MSP folder, as a Fabric node's `mspConfigPath`. */
  readonly mspDir: string;
}

/** A TLS key pair and the CA that issued it. */
export interface TlsMaterial {
  readonly certificatePem: string;
  readonly privateKeyPem: string;
  readonly caCertificatePem: string;
}

/** An identity that also speaks TLS: a node, or a client application. */
export interface TlsIdentity extends Identity {
  readonly tls: TlsMaterial;
}

/** One department's material: its CAs, its peer, its administrator and its client user. */
export interface DepartmentCrypto {
  readonly mspId: string;
  readonly domain: string;
  /** The organisation's verifying MSP folder, the one `configtxgen` reads. */
  readonly mspDir: string;
  readonly caCertificatePem: string;
  readonly tlsCaCertificatePem: string;
  readonly peer: TlsIdentity;
  readonly admin: TlsIdentity;
  /** `User1@<domain>`, the identity applications submit transactions with. */
  readonly client: TlsIdentity;
}

/** The ordering organisation's material: its CAs, its Raft nodes and its administrator. */
export interface OrdererCrypto {
  readonly mspId: string;
  readonly domain: string;
  readonly mspDir: string;
  readonly caCertificatePem: string;
  readonly tlsCaCertificatePem: string;
  readonly nodes: readonly TlsIdentity[];
  readonly admin: TlsIdentity;
}

/** Every identity of a network, in the description's order. */
export interface NetworkCrypto {
  readonly departments: readonly DepartmentCrypto[];
  readonly orderer: OrdererCrypto;
}

/** Thrown when crypto material expected on disk is missing or unreadable; says how to recreate it. */
export class NetworkCryptoError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NetworkCryptoError';
  }
}

interface MemberSpec {
  readonly folder: 'peers' | 'orderers' | 'users';
  readonly name: string;
  readonly type: NodeType;
  readonly sans: readonly string[];
}

interface OrganizationSpec {
  readonly kind: OrganizationKind;
  readonly mspId: string;
  readonly domain: string;
  readonly members: readonly MemberSpec[];
}

/**
 * Makes sure `cryptoDir` holds the crypto material of every organisation in the description, in
 * the layout `cryptogen generate` writes (with NodeOUs enabled), and returns it.
 *
 * Idempotent, like `cryptogen extend`: material already on disk is kept; only missing CAs,
 * organisation MSPs, nodes and users are generated. A department added to the description gets
 * its folders; nothing existing is re-keyed. Each folder is written to a temporary sibling and
 * renamed into place, so an interrupted run never leaves half a folder behind.
 *
 * @example
 * ```ts
 * const crypto = await generateNetworkCrypto(loadNetworkDescription(), join(home, 'crypto'));
 * crypto.departments[0].client.certificatePem; // User1@bigdata.citytrust.local
 * ```
 */
export async function generateNetworkCrypto(description: NetworkDescription, cryptoDir: string): Promise<NetworkCrypto> {
  for (const organization of organizations(description)) await ensureOrganization(cryptoDir, organization);
  return loadNetworkCrypto(description, cryptoDir);
}

/**
 * Reads the crypto material of every organisation in the description from `cryptoDir`.
 *
 * @throws NetworkCryptoError when a file is missing: run {@link generateNetworkCrypto} first.
 */
export function loadNetworkCrypto(description: NetworkDescription, cryptoDir: string): NetworkCrypto {
  const departments = description.departments.map((department): DepartmentCrypto => {
    const organization = loadOrganization(cryptoDir, departmentOrganization(department));
    return {
      ...organization.common,
      peer: organization.member(peerNode(department).hostname),
      admin: organization.member(adminName(department.domain)),
      client: organization.member(userName(department.domain)),
    };
  });
  const orderer = loadOrganization(cryptoDir, ordererOrganization(description));
  return {
    departments,
    orderer: {
      ...orderer.common,
      nodes: ordererNodes(description).map((node) => orderer.member(node.hostname)),
      admin: orderer.member(adminName(description.orderer.domain)),
    },
  };
}

/** The orderer organisation first, then the departments, as a crypto-config.yaml would list them. */
function organizations(description: NetworkDescription): OrganizationSpec[] {
  return [ordererOrganization(description), ...description.departments.map(departmentOrganization)];
}

/** A TLS server certificate names the node as cryptogen does (CN, host name) plus the loopback names it is dialled by. */
function serverSans(hostname: string): string[] {
  return [hostname, hostname.split('.')[0] as string, 'localhost', loopbackHost];
}

function ordererOrganization(description: NetworkDescription): OrganizationSpec {
  const { mspId, domain } = description.orderer;
  return {
    kind: 'ordererOrganizations',
    mspId,
    domain,
    members: [
      ...ordererNodes(description).map((node): MemberSpec => ({ folder: 'orderers', name: node.hostname, type: 'orderer', sans: serverSans(node.hostname) })),
      { folder: 'users', name: adminName(domain), type: 'admin', sans: [] },
    ],
  };
}

function departmentOrganization(department: DepartmentDescription): OrganizationSpec {
  const peer = peerNode(department).hostname;
  return {
    kind: 'peerOrganizations',
    mspId: department.mspId,
    domain: department.domain,
    members: [
      { folder: 'peers', name: peer, type: 'peer', sans: serverSans(peer) },
      { folder: 'users', name: userName(department.domain), type: 'client', sans: [] },
      { folder: 'users', name: adminName(department.domain), type: 'admin', sans: [] },
    ],
  };
}

async function ensureOrganization(cryptoDir: string, spec: OrganizationSpec): Promise<void> {
  const orgDir = organizationDir(cryptoDir, spec.kind, spec.domain);
  const signingCa = await ensureCertificateAuthority(join(orgDir, 'ca'), spec.domain, signingCaName(spec.domain));
  const tlsCa = await ensureCertificateAuthority(join(orgDir, 'tlsca'), spec.domain, tlsCaName(spec.domain));
  await writeFolderOnce(join(orgDir, 'msp'), async (dir) => writeVerifyingMsp(dir, signingCa, tlsCa));
  for (const member of spec.members) {
    await writeFolderOnce(join(orgDir, member.folder, member.name), (dir) => generateLocalMsp(dir, member.name, member.sans, signingCa, tlsCa, member.type));
  }
}

async function ensureCertificateAuthority(caDir: string, domain: string, name: string): Promise<CertificateAuthority> {
  await writeFolderOnce(caDir, async (dir) => {
    const authority = await createCertificateAuthority(domain, name);
    const files = certificateAuthorityFiles(dir, name);
    writeFileSync(files.privateKey, await privateKeyToPem(authority.signingKey), { mode: privateKeyMode });
    writeFileSync(files.certificate, authority.certificatePem, { mode: 0o644 });
  });
  // Read back what is on disk: another process may have created this CA first.
  const files = certificateAuthorityFiles(caDir, name);
  return certificateAuthority(name, readMaterial(files.certificate), await privateKeyFromPem(readMaterial(files.privateKey)));
}

/**
 * Creates `target` by filling a fresh temporary sibling and renaming it into place, unless
 * `target` already exists. If another process wins the race, its folder is kept and ours dropped.
 */
async function writeFolderOnce(target: string, fill: (dir: string) => Promise<void>): Promise<void> {
  if (existsSync(target)) return;
  mkdirSync(dirname(target), { recursive: true, mode: 0o755 });
  const staging = mkdtempSync(join(dirname(target), `.${basename(target)}.partial-`));
  chmodSync(staging, 0o755); // mkdtemp makes it private; cryptogen's folders are world-readable (keys are not)
  try {
    await fill(staging);
    renameSync(staging, target);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    const code = (error as NodeJS.ErrnoException).code;
    if (!(existsSync(target) && (code === 'ENOTEMPTY' || code === 'EEXIST'))) throw error;
  }
}

interface LoadedOrganization {
  readonly common: Pick<DepartmentCrypto, 'mspId' | 'domain' | 'mspDir' | 'caCertificatePem' | 'tlsCaCertificatePem'>;
  member(name: string): TlsIdentity;
}

function loadOrganization(cryptoDir: string, spec: OrganizationSpec): LoadedOrganization {
  const orgDir = organizationDir(cryptoDir, spec.kind, spec.domain);
  const mspDir = join(orgDir, 'msp');
  const common = {
    mspId: spec.mspId,
    domain: spec.domain,
    mspDir,
    caCertificatePem: readMaterial(join(mspDir, 'cacerts', certificateFileName(signingCaName(spec.domain)))),
    tlsCaCertificatePem: readMaterial(join(mspDir, 'tlscacerts', certificateFileName(tlsCaName(spec.domain)))),
  };
  const members = new Map(spec.members.map((member) => {
    const files = localMspFiles(join(orgDir, member.folder, member.name), member.name, member.type);
    const identity: TlsIdentity = {
      mspId: spec.mspId,
      name: member.name,
      certificatePem: readMaterial(files.signingCertificate),
      privateKeyPem: readMaterial(files.privateKey),
      mspDir: files.mspDir,
      tls: {
        certificatePem: readMaterial(files.tlsCertificate),
        privateKeyPem: readMaterial(files.tlsPrivateKey),
        caCertificatePem: readMaterial(files.tlsCaCertificate),
      },
    };
    return [member.name, identity] as const;
  }));
  return {
    common,
    member(name) {
      const identity = members.get(name);
      if (identity === undefined) throw new Error(`${spec.mspId} has no member ${name}`);
      return identity;
    },
  };
}

function readMaterial(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new NetworkCryptoError(
      `crypto material missing at ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): `
      + 'run generateNetworkCrypto for this network description (npm start does), or delete the incomplete folder so it is regenerated',
    );
  }
}
