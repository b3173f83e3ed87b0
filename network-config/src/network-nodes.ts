import type { DepartmentDescription, NetworkDescription } from './network-description';

/**
 * The nodes a description implies and where they listen. Names follow cryptogen's templates
 * (`peer0.<domain>`, `orderer<i>.<domain>`) so certificates, folders and endpoints agree.
 * Every node listens on the loopback interface: a CityTrust network runs on one machine.
 */

/** The interface every node listens on, and the host clients dial. */
export const loopbackHost = '127.0.0.1';

/** Spacing between orderer node ports, so orderers sit on 7050, 7150, 7250 beside peers on 7151, 7251, 7351. */
export const ordererPortStride = 100;

export interface NodeEndpoint {
  /** cryptogen's host name: the certificate's common name and the node's folder name. */
  readonly hostname: string;
  readonly host: string;
  readonly port: number;
}

/** The department's one peer, `peer0.<domain>`. */
export function peerNode(department: Pick<DepartmentDescription, 'domain' | 'peerPort'>): NodeEndpoint {
  return { hostname: `peer0.${department.domain}`, host: loopbackHost, port: department.peerPort };
}

/** The orderer's Raft nodes `orderer0.<domain>` ... `orderer<N-1>.<domain>`, node i on port + 100 * i. */
export function ordererNodes(description: Pick<NetworkDescription, 'orderer'>): NodeEndpoint[] {
  const { domain, nodes, port } = description.orderer;
  return Array.from({ length: nodes }, (_, index) => ({
    hostname: `orderer${index}.${domain}`,
    host: loopbackHost,
    port: port + ordererPortStride * index,
  }));
}

/** `host:port`, the form Fabric configuration uses for endpoints. */
export function endpointAddress(node: NodeEndpoint): string {
  return `${node.host}:${node.port}`;
}
