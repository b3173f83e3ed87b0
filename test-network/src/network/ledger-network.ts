import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { NetworkDescription, NetworkCrypto } from '@citytrust/network-config';
import { checkFabricRelease } from '../fabric/fabric-release';
import { downFabricNetwork, fabricGatewayAddress, fabricNetworkStatus, fabricSteps, upFabricNetwork } from '../fabric/fabric-network';
import { fabricTopology } from '../fabric/fabric-topology';
import { downEmbeddedNetwork, embeddedNetworkStatus, upEmbeddedNetwork, type NetworkUp, type ProcessStatus, type UpOptions } from './embedded-network';
import { recordedLedgerBackend, type LedgerBackend } from './ledger-backend';

/**
 * The ledger network of a home, whichever back-end runs it: what `citytrust up`, `down`,
 * `status` and `start` call, so they say the same on both. The back-end `up` last ran is
 * recorded in the home; `down` and `status` follow that record.
 */

export interface LedgerNetworkUp extends NetworkUp {
  readonly backend: LedgerBackend;
  /** host:port of the Gateway service clients dial. */
  readonly gatewayAddress: string;
}

/** How many progress steps `up` reports on `backend`. */
export function ledgerUpSteps(backend: LedgerBackend): number {
  return backend === 'fabric' ? fabricSteps.length : 3;
}

/**
 * Brings the network up on `backend`. For `fabric` the release FABRIC_BIN names is checked
 * first, before anything starts.
 *
 * @throws FabricReleaseError when FABRIC_BIN is unset or unusable.
 */
export async function upLedgerNetwork(backend: LedgerBackend, options: UpOptions, env: Readonly<Record<string, string | undefined>> = process.env): Promise<LedgerNetworkUp> {
  if (backend === 'fabric') {
    const release = await checkFabricRelease(env);
    const up = await upFabricNetwork({ ...options, release });
    return { ...up, backend };
  }
  const up = await upEmbeddedNetwork(options);
  return { ...up, backend, gatewayAddress: ledgerGatewayAddress('embedded', options.description, options.home) };
}

/** Stops every recorded process of the home's network, on either back-end. State is kept. */
export async function downLedgerNetwork(home: string, description: NetworkDescription): Promise<Array<{ name: string; pid: number; outcome: string }>> {
  // A home where native Fabric never ran has no fabric/ folder and no Fabric process to stop; its
  // description need not even fit Fabric's port layout (an embedded test network's free ports may
  // collide with the ports Fabric would derive from them).
  const fabric = existsSync(join(home, 'fabric')) ? await downFabricNetwork(home, description) : [];
  return [...fabric, ...await downEmbeddedNetwork(home)];
}

/** The processes of the back-end `up` last ran from `home`, each with a live probe. */
export async function ledgerNetworkStatus(home: string, description: NetworkDescription, crypto: NetworkCrypto | undefined): Promise<{ backend: LedgerBackend; processes: ProcessStatus[] }> {
  const backend = recordedLedgerBackend(home);
  return { backend, processes: backend === 'fabric' ? await fabricNetworkStatus(home, description, crypto) : await embeddedNetworkStatus(home, description, crypto) };
}

/** Where clients reach the Gateway service: the embedded ledger's port, or on native Fabric the first department's peer. */
export function ledgerGatewayAddress(backend: LedgerBackend, description: NetworkDescription, home: string): string {
  return backend === 'fabric' ? fabricGatewayAddress(fabricTopology(description, home)) : `127.0.0.1:${description.embedded.port}`;
}
