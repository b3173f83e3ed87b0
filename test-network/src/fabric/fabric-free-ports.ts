import { createServer } from 'node:net';
import type { NetworkDescription } from '@citytrust/network-config';
import { onFreePorts } from '@citytrust/network-config/dist/testing/test-network-description';
import { fabricPorts, fabricTopology, FabricTopologyError } from './fabric-topology';

/**
 * The description on free loopback ports for a native network, for tests and benchmarks: the
 * free-ports helper picks the ports the description names, and the ports native Fabric derives
 * from them (admin, operations, chaincode listener, further chaincode servers) are checked free
 * too, by binding each; a plan that collides is drawn again.
 */
export async function onFreeFabricPorts(description: NetworkDescription, attempts = 20): Promise<NetworkDescription> {
  for (let attempt = 1; ; attempt++) {
    const candidate = await onFreePorts(description);
    try {
      const ports = fabricPorts(fabricTopology(candidate, '/nonexistent'));
      if ((await Promise.all(ports.map(({ port }) => canBind(port)))).every(Boolean)) return candidate;
    } catch (error) {
      if (!(error instanceof FabricTopologyError)) throw error;
    }
    if (attempt >= attempts) throw new Error(`no free set of ports for a native network after ${attempts} draws`);
  }
}

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
