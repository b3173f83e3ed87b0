import { join } from 'node:path';
import {
  endpointAddress, loopbackHost, ordererNodes, peerNode,
  type DepartmentDescription, type NetworkDescription,
} from '@citytrust/network-config';

/**
 * Every process of the native network, where it listens and where it keeps its state, derived
 * from the network description alone. The description names one port per node (a peer's
 * `peerPort`, an orderer node's `port + 100·i`) and the first chaincode server's; the other
 * ports sit at fixed offsets from those, so the default description needs no extra fields:
 *
 * | process | ports (default description) |
 * |---|---|
 * | orderer node | gRPC `port` (7050), admin `port + 4` (7054), operations `port + 5` (7055) |
 * | peer | gRPC `peerPort` (7151), chaincode listener `peerPort + 1` (7152), operations `peerPort + 2` (7153) |
 * | chaincode server of department i | `chaincode.serverPort + i` (9999, 10000, 10001) |
 *
 * Everything listens on 127.0.0.1. {@link fabricTopology} refuses a plan in which two ports meet.
 */
export interface FabricTopology {
  readonly orderers: readonly OrdererProcess[];
  readonly peers: readonly PeerProcess[];
  /** Where the native network's state lives: `<home>/fabric`. */
  readonly root: string;
  /** `configtx.yaml`, written from the description; configtxgen's `-configPath`. */
  readonly configtxDir: string;
  /** The channel's genesis block, written once by configtxgen and joined by every node. */
  readonly genesisBlock: string;
  /** The chaincode package installed on every peer. */
  readonly chaincodePackageFile: string;
}

export interface OrdererProcess {
  /** `orderer<i>.<domain>`: the node's certificate name, process name and data folder name. */
  readonly name: string;
  readonly index: number;
  readonly address: string;
  readonly port: number;
  readonly adminPort: number;
  readonly operationsPort: number;
  readonly dataDir: string;
}

export interface PeerProcess {
  /** `peer0.<domain>`. */
  readonly name: string;
  readonly department: DepartmentDescription;
  readonly address: string;
  readonly port: number;
  readonly chaincodeListenPort: number;
  readonly operationsPort: number;
  readonly dataDir: string;
  /** The department's own chaincode server, dialled by this peer only. */
  readonly chaincodeServer: { readonly name: string; readonly address: string; readonly port: number };
}

/** Offsets from a node's own port (see {@link FabricTopology}). */
export const portOffsets = { ordererAdmin: 4, ordererOperations: 5, peerChaincodeListener: 1, peerOperations: 2 } as const;

export class FabricTopologyError extends Error {
  override readonly name = 'FabricTopologyError';
}

export function fabricTopology(description: NetworkDescription, home: string): FabricTopology {
  const root = join(home, 'fabric');
  const orderers = ordererNodes(description).map((node, index): OrdererProcess => ({
    name: node.hostname,
    index,
    address: endpointAddress(node),
    port: node.port,
    adminPort: node.port + portOffsets.ordererAdmin,
    operationsPort: node.port + portOffsets.ordererOperations,
    dataDir: join(root, 'data', node.hostname),
  }));
  const peers = description.departments.map((department, index): PeerProcess => {
    const node = peerNode(department);
    const serverPort = description.chaincode.serverPort + index;
    return {
      name: node.hostname,
      department,
      address: endpointAddress(node),
      port: node.port,
      chaincodeListenPort: node.port + portOffsets.peerChaincodeListener,
      operationsPort: node.port + portOffsets.peerOperations,
      dataDir: join(root, 'data', node.hostname),
      chaincodeServer: { name: `chaincode.${department.domain}`, address: `${loopbackHost}:${serverPort}`, port: serverPort },
    };
  });
  const topology: FabricTopology = {
    orderers,
    peers,
    root,
    configtxDir: join(root, 'config'),
    genesisBlock: join(root, 'artifacts', `${description.channel}.block`),
    chaincodePackageFile: join(root, 'artifacts', `${description.chaincode.name}_${description.chaincode.version}.tgz`),
  };
  assertDistinctPorts(topology);
  return topology;
}

/** Every port the native network listens on, each with who takes it and which description field it comes from. */
export function fabricPorts(topology: FabricTopology): Array<{ port: number; process: string; what: string; field: string }> {
  return [
    ...topology.orderers.flatMap((o) => [
      { port: o.port, process: o.name, what: `${o.name} (gRPC)`, field: 'orderer.port' },
      { port: o.adminPort, process: o.name, what: `${o.name} (admin, gRPC port + ${portOffsets.ordererAdmin})`, field: 'orderer.port' },
      { port: o.operationsPort, process: o.name, what: `${o.name} (operations, gRPC port + ${portOffsets.ordererOperations})`, field: 'orderer.port' },
    ]),
    ...topology.peers.flatMap((p, i) => [
      { port: p.port, process: p.name, what: `${p.name} (gRPC)`, field: `departments[${i}].peerPort` },
      { port: p.chaincodeListenPort, process: p.name, what: `${p.name} (chaincode listener, peerPort + ${portOffsets.peerChaincodeListener})`, field: `departments[${i}].peerPort` },
      { port: p.operationsPort, process: p.name, what: `${p.name} (operations, peerPort + ${portOffsets.peerOperations})`, field: `departments[${i}].peerPort` },
      { port: p.chaincodeServer.port, process: p.chaincodeServer.name, what: `${p.chaincodeServer.name} (chaincode server, serverPort + ${i})`, field: 'chaincode.serverPort' },
    ]),
  ];
}

function assertDistinctPorts(topology: FabricTopology): void {
  const seen = new Map<number, string>();
  for (const { port, what, field } of fabricPorts(topology)) {
    if (port > 65535) throw new FabricTopologyError(`${what} would listen on port ${port}, above 65535: lower ${field} in the network description`);
    const earlier = seen.get(port);
    if (earlier !== undefined) {
      throw new FabricTopologyError(`port ${port} would be taken by both ${earlier} and ${what} on native Fabric: move ${field} in the network description`);
    }
    seen.set(port, what);
  }
}
