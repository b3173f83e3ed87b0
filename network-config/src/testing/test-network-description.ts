import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadNetworkDescription, parseNetworkDescription, type NetworkDescription } from '../network-description';
import { freePorts } from './free-ports';

export { freePort, freePorts } from './free-ports';

/**
 * The description with every port replaced by a distinct free loopback port, so that a test's or
 * a benchmark's network runs beside a developer's and another test's.
 */
export async function onFreePorts(description: NetworkDescription): Promise<NetworkDescription> {
  const [embedded, chaincode, orderer, ...peers] = await freePorts(3 + description.departments.length);
  return parseNetworkDescription({
    ...description,
    departments: description.departments.map((department, i) => ({ ...department, peerPort: peers[i]! })),
    // Orderer node i listens on port + 100·i: a port from the kernel's ephemeral range leaves room.
    orderer: { ...description.orderer, port: orderer! },
    chaincode: { ...description.chaincode, serverPort: chaincode! },
    embedded: { ...description.embedded, port: embedded! },
  }, 'a test network on free ports');
}

/**
 * {@link onFreePorts} of `base` (default: the packaged description), written to `dir/network.json`.
 * Point `CITYTRUST_NETWORK` at the returned path for the network's processes.
 */
export async function writeTestNetworkDescription(dir: string, base: NetworkDescription = loadNetworkDescription(undefined, {})): Promise<{ path: string; description: NetworkDescription }> {
  const description = await onFreePorts(base);
  const path = join(dir, 'network.json');
  writeFileSync(path, `${JSON.stringify(description, null, 2)}\n`);
  return { path, description };
}
