import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { loadNetworkDescription, type NetworkDescription } from '../network-description';

/**
 * The default network description with every port replaced by a free loopback port, written to
 * `dir/network.json`, so that a test's network can run beside a developer's and another test's.
 * Point `CITYTRUST_NETWORK` at the returned path for child processes.
 */
export async function writeTestNetworkDescription(dir: string): Promise<{ path: string; description: NetworkDescription }> {
  const base = loadNetworkDescription(undefined, {});
  const description: NetworkDescription = {
    ...base,
    departments: await Promise.all(base.departments.map(async (d) => ({ ...d, peerPort: await freePort() }))),
    orderer: { ...base.orderer, port: await freePort() },
    chaincode: { ...base.chaincode, serverPort: await freePort() },
    embedded: { ...base.embedded, port: await freePort() },
  };
  const path = join(dir, 'network.json');
  writeFileSync(path, `${JSON.stringify(description, null, 2)}\n`);
  return { path, description };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
