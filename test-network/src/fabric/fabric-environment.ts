import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  adminName, localMspFiles, organizationDir, tlsCaName, certificateFileName,
  type NetworkDescription,
} from '@citytrust/network-config';
import type { FabricRelease } from './fabric-release';
import type { OrdererProcess, PeerProcess } from './fabric-topology';

/**
 * The environment of each native process. Fabric reads its settings from `core.yaml` and
 * `orderer.yaml` in `FABRIC_CFG_PATH` (the release's `config/`, used as shipped) with any key
 * overridden by `CORE_*` or `ORDERER_*` variables; every setting that differs per node is such a
 * variable here, with absolute paths. Each process gets only its own variables and a few basics,
 * never this process's environment: a `CORE_*` variable of a sourced `citytrust env` would
 * otherwise reach a peer or a chaincode server and change what it does.
 */

/** The project's own external builder (`test-network/fabric-builder/bin/{detect,build,release}`). */
export const chaincodeBuilderDir = join(__dirname, '..', '..', 'fabric-builder');

/** What every process needs from this one: the node binary's folder first on PATH (the builder's scripts are Node), locale and time zone. */
function basics(): Record<string, string> {
  const env: Record<string, string> = { PATH: [dirname(process.execPath), process.env.PATH ?? '/usr/bin:/bin'].join(':') };
  for (const name of ['HOME', 'LANG', 'TZ', 'TMPDIR']) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}

/** Where the crypto generator put a node's or an admin's files. */
export function ordererFiles(cryptoDir: string, description: NetworkDescription, orderer: Pick<OrdererProcess, 'name'>) {
  return localMspFiles(join(organizationDir(cryptoDir, 'ordererOrganizations', description.orderer.domain), 'orderers', orderer.name), orderer.name, 'orderer');
}

export function ordererAdminFiles(cryptoDir: string, description: NetworkDescription) {
  const name = adminName(description.orderer.domain);
  return localMspFiles(join(organizationDir(cryptoDir, 'ordererOrganizations', description.orderer.domain), 'users', name), name, 'admin');
}

/** The ordering organisation's TLS root: what clients of the orderers trust (`--cafile`). */
export function ordererTlsCaFile(cryptoDir: string, description: NetworkDescription): string {
  const domain = description.orderer.domain;
  return join(organizationDir(cryptoDir, 'ordererOrganizations', domain), 'tlsca', certificateFileName(tlsCaName(domain)));
}

export function peerFiles(cryptoDir: string, peer: Pick<PeerProcess, 'name' | 'department'>) {
  return localMspFiles(join(organizationDir(cryptoDir, 'peerOrganizations', peer.department.domain), 'peers', peer.name), peer.name, 'peer');
}

export function departmentAdminFiles(cryptoDir: string, peer: Pick<PeerProcess, 'department'>) {
  const name = adminName(peer.department.domain);
  return localMspFiles(join(organizationDir(cryptoDir, 'peerOrganizations', peer.department.domain), 'users', name), name, 'admin');
}

export function ordererEnvironment(release: FabricRelease, cryptoDir: string, description: NetworkDescription, orderer: OrdererProcess): Record<string, string> {
  const files = ordererFiles(cryptoDir, description, orderer);
  const tlsCa = ordererTlsCaFile(cryptoDir, description);
  return {
    ...basics(),
    FABRIC_CFG_PATH: release.configDir,
    FABRIC_LOGGING_SPEC: 'INFO',
    ORDERER_GENERAL_LISTENADDRESS: '127.0.0.1',
    ORDERER_GENERAL_LISTENPORT: String(orderer.port),
    ORDERER_GENERAL_LOCALMSPID: description.orderer.mspId,
    ORDERER_GENERAL_LOCALMSPDIR: files.mspDir,
    // Raft refuses to run without TLS; with no General.Cluster settings the consenters talk on
    // this listener with these certificates, the ones named in the channel's consenter set.
    ORDERER_GENERAL_TLS_ENABLED: 'true',
    ORDERER_GENERAL_TLS_PRIVATEKEY: files.tlsPrivateKey,
    ORDERER_GENERAL_TLS_CERTIFICATE: files.tlsCertificate,
    ORDERER_GENERAL_TLS_ROOTCAS: `[${files.tlsCaCertificate}]`,
    ORDERER_GENERAL_BOOTSTRAPMETHOD: 'none',
    ORDERER_CHANNELPARTICIPATION_ENABLED: 'true',
    ORDERER_FILELEDGER_LOCATION: join(orderer.dataDir, 'ledger'),
    ORDERER_CONSENSUS_WALDIR: join(orderer.dataDir, 'etcdraft', 'wal'),
    ORDERER_CONSENSUS_SNAPDIR: join(orderer.dataDir, 'etcdraft', 'snapshot'),
    // The channel participation API on TLS with client certificates: only the orderer
    // organisation's admin (its TLS client certificate) may join or remove channels.
    ORDERER_ADMIN_LISTENADDRESS: `127.0.0.1:${orderer.adminPort}`,
    ORDERER_ADMIN_TLS_ENABLED: 'true',
    ORDERER_ADMIN_TLS_PRIVATEKEY: files.tlsPrivateKey,
    ORDERER_ADMIN_TLS_CERTIFICATE: files.tlsCertificate,
    ORDERER_ADMIN_TLS_ROOTCAS: `[${tlsCa}]`,
    ORDERER_ADMIN_TLS_CLIENTAUTHREQUIRED: 'true',
    ORDERER_ADMIN_TLS_CLIENTROOTCAS: `[${tlsCa}]`,
    ORDERER_OPERATIONS_LISTENADDRESS: `127.0.0.1:${orderer.operationsPort}`,
    ORDERER_METRICS_PROVIDER: 'disabled',
  };
}

export function peerEnvironment(release: FabricRelease, cryptoDir: string, peer: PeerProcess): Record<string, string> {
  const files = peerFiles(cryptoDir, peer);
  return {
    ...basics(),
    FABRIC_CFG_PATH: release.configDir,
    FABRIC_LOGGING_SPEC: 'INFO',
    CORE_PEER_ID: peer.name,
    CORE_PEER_LOCALMSPID: peer.department.mspId,
    CORE_PEER_MSPCONFIGPATH: files.mspDir,
    // Never 0.0.0.0: the peer would advertise its first non-loopback address, which its TLS
    // certificate does not name.
    CORE_PEER_LISTENADDRESS: peer.address,
    CORE_PEER_ADDRESS: peer.address,
    CORE_PEER_CHAINCODELISTENADDRESS: `127.0.0.1:${peer.chaincodeListenPort}`,
    CORE_PEER_CHAINCODEADDRESS: `127.0.0.1:${peer.chaincodeListenPort}`,
    // Bootstrapping from itself is skipped cleanly; the other departments come from the anchor
    // peers in the channel configuration, which must equal the external endpoints.
    CORE_PEER_GOSSIP_BOOTSTRAP: peer.address,
    CORE_PEER_GOSSIP_EXTERNALENDPOINT: peer.address,
    // Gossip's default 25 s before retrying an anchor peer that had not joined yet held the first
    // multi-department endorsement back by that long at bring-up.
    CORE_PEER_GOSSIP_RECONNECTINTERVAL: '1s',
    CORE_PEER_TLS_ENABLED: 'true',
    CORE_PEER_TLS_CERT_FILE: files.tlsCertificate,
    CORE_PEER_TLS_KEY_FILE: files.tlsPrivateKey,
    CORE_PEER_TLS_ROOTCERT_FILE: files.tlsCaCertificate,
    CORE_PEER_FILESYSTEMPATH: peer.dataDir,
    CORE_LEDGER_SNAPSHOTS_ROOTDIR: join(peer.dataDir, 'snapshots'),
    CORE_OPERATIONS_LISTENADDRESS: `127.0.0.1:${peer.operationsPort}`,
    CORE_METRICS_PROVIDER: 'disabled',
    // No Docker: an empty endpoint keeps the peer from registering Docker's health check, and
    // the project's own builder runs the chaincode as a service.
    CORE_VM_ENDPOINT: '',
    CORE_CHAINCODE_EXTERNALBUILDERS: `[{name: citytrust-ccaas, path: ${chaincodeBuilderDir}, propagateEnvironment: [CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG]}]`,
    // What the builder fills connection.json with: this department's chaincode server, which
    // serves TLS with the peer's own TLS key pair (it names 127.0.0.1), so the peer trusts it
    // through its own TLS CA.
    CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG: JSON.stringify({ address: peer.chaincodeServer.address, root_cert: readFileSync(files.tlsCaCertificate, 'utf8') }),
  };
}

export function chaincodeServerEnvironment(cryptoDir: string, peer: PeerProcess, packageId: string): Record<string, string> {
  const files = peerFiles(cryptoDir, peer);
  const node: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) if (value !== undefined && /^NODE_/.test(name)) node[name] = value;
  return {
    ...basics(),
    ...node,
    MALLOC_ARENA_MAX: '2',
    CHAINCODE_ID: packageId,
    CHAINCODE_SERVER_ADDRESS: peer.chaincodeServer.address,
    CHAINCODE_TLS_KEY_FILE: files.tlsPrivateKey,
    CHAINCODE_TLS_CERT_FILE: files.tlsCertificate,
    // The shim logs every transaction at INFO; it takes Fabric's level names.
    CORE_CHAINCODE_LOGGING_LEVEL: 'WARNING',
    // ctx.stub.getMspID() answers the department whose peer this server serves.
    CORE_PEER_LOCALMSPID: peer.department.mspId,
  };
}

/**
 * A department administrator's environment for Fabric's own `peer` CLI against this network:
 * what `citytrust env <department>` prints and what bring-up runs `peer channel` and
 * `peer lifecycle` with. `ORDERER_ADDRESS` and `ORDERER_CA` are for `-o` and `--cafile`.
 */
export function adminEnvironment(release: FabricRelease, cryptoDir: string, description: NetworkDescription, peer: PeerProcess, firstOrderer: OrdererProcess): Record<string, string> {
  const admin = departmentAdminFiles(cryptoDir, peer);
  return {
    FABRIC_CFG_PATH: release.configDir,
    CORE_PEER_LOCALMSPID: peer.department.mspId,
    CORE_PEER_MSPCONFIGPATH: admin.mspDir,
    CORE_PEER_ADDRESS: peer.address,
    CORE_PEER_TLS_ENABLED: 'true',
    CORE_PEER_TLS_ROOTCERT_FILE: peerFiles(cryptoDir, peer).tlsCaCertificate,
    ORDERER_ADDRESS: firstOrderer.address,
    ORDERER_CA: ordererTlsCaFile(cryptoDir, description),
    // The CLI's results are INFO lines (e.g. "Chaincode invoke successful"); gRPC's connection chatter is not wanted.
    FABRIC_LOGGING_SPEC: 'grpc=warning:info',
  };
}

/** The admin environment with the basics, for running the CLI from here. */
export function adminProcessEnvironment(admin: Record<string, string>): Record<string, string> {
  return { ...basics(), ...admin, FABRIC_LOGGING_SPEC: 'WARNING' };
}
