import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadNetworkDescription, parseNetworkDescription, type NetworkDescription } from '../network-description';
import { ordererPortStride } from '../network-nodes';
import { freePorts } from './free-ports';

export { freePort, freePorts } from './free-ports';

/** How often {@link onFreePorts} draws again before giving up; one redraw is already rare. */
const drawAttempts = 5;

/**
 * The description with every port replaced by a distinct free loopback port, so that a test's or
 * a benchmark's network runs beside a developer's and another test's.
 */
export async function onFreePorts(description: NetworkDescription): Promise<NetworkDescription> {
  for (let attempt = 1; attempt <= drawAttempts; attempt++) {
    const layout = freePortLayout(description, await freePorts(3 + description.departments.length));
    if (layout !== undefined) return parseNetworkDescription(layout, 'a test network on free ports');
  }
  throw new Error(`found no free ports for ${description.orderer.nodes} orderer nodes ${ordererPortStride} ports apart in ${drawAttempts} draws; free some loopback ports and run again`);
}

/**
 * The description on `ports` (one per process), or undefined when they cannot all be used.
 * Orderer node i listens on the orderer's port + 100·i, ports nobody held while drawing: the
 * orderer gets a drawn port whose derived ones repeat no other drawn port (a CI run once drew
 * an embedded port equal to the orderer's + 200, and the description was refused).
 */
export function freePortLayout(description: NetworkDescription, ports: readonly number[]): NetworkDescription | undefined {
  const taken = new Set(ports);
  const derived = (port: number) => Array.from({ length: description.orderer.nodes - 1 }, (_, i) => port + ordererPortStride * (i + 1));
  const ordererAt = ports.findIndex((port) => derived(port).every((other) => !taken.has(other) && other <= 65535));
  if (ordererAt < 0) return undefined;
  const [embedded, chaincode, ...peers] = ports.filter((_, i) => i !== ordererAt);
  return {
    ...description,
    departments: description.departments.map((department, i) => ({ ...department, peerPort: peers[i]! })),
    orderer: { ...description.orderer, port: ports[ordererAt]! },
    chaincode: { ...description.chaincode, serverPort: chaincode! },
    embedded: { ...description.embedded, port: embedded! },
  };
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
