import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadNetworkDescription, openLedgerClient, type LedgerClient, type NetworkCrypto, type NetworkDescription } from '@citytrust/network-config';
import type { Contract, Network } from '@hyperledger/fabric-gateway';
import { conformanceBackend, type RunningBackend } from './conformance-backend';
import { onFreePorts } from '@citytrust/network-config/dist/testing/test-network-description';
import { onFreeFabricPorts } from '../fabric/fabric-free-ports';

/**
 * One test file's network: its own temporary CITYTRUST_HOME, a copy of the network description
 * (CITYTRUST_NETWORK as the suite started, else the packaged one) on free ports, the back-end chosen by CITYTRUST_LEDGER, and a
 * `@hyperledger/fabric-gateway` client, the only way the suite talks to the ledger.
 */
export interface ConformanceNetwork {
  readonly backend: string;
  readonly home: string;
  readonly description: NetworkDescription;
  readonly crypto: NetworkCrypto;
  /** The departments' MSP ids, in the description's order. */
  readonly departments: readonly string[];
  /** The current client; replaced by `restart`. */
  readonly client: LedgerClient;
  /** The channel as department `mspId` (default: the first) sees it. */
  network(mspId?: string): Network;
  /** The `system` contract of the chaincode as department `mspId` (default: the first). */
  system(mspId?: string): Contract;
  /** Ledger query system chaincode (qscc) as department `mspId`. */
  qscc(mspId?: string): Contract;
  /** SIGKILLs the ledger. */
  crash(): Promise<void>;
  /** Starts the ledger again on the same home and reconnects the client. */
  restart(): Promise<void>;
  stopChaincodeServer(): Promise<void>;
  startChaincodeServer(): Promise<void>;
  /** Closes the client, stops the back-end and removes the home. Safe to call twice. */
  close(): Promise<void>;
}

/** A description the developer named for the suite; read before the back-end points CITYTRUST_NETWORK at its own copies. */
const suiteDescriptionFile = process.env.CITYTRUST_NETWORK;

/**
 * Starts a network for one test file (`label` names its temporary home). Call it in `before`
 * and `close()` in `after`; if starting fails, whatever was started is stopped and removed.
 */
export async function startConformanceNetwork(label: string): Promise<ConformanceNetwork> {
  const backend = conformanceBackend();
  const home = mkdtempSync(join(tmpdir(), `citytrust-conformance-${label}-`));
  let running: RunningBackend | undefined;
  try {
    const base = loadNetworkDescription(undefined, { CITYTRUST_NETWORK: suiteDescriptionFile });
    const description = backend.name === 'fabric' ? await onFreeFabricPorts(base) : await onFreePorts(base);
    running = await backend.start(home, description);
    return conformanceNetwork(backend.name, home, description, running);
  } catch (error) {
    await running?.stop().catch(() => undefined);
    rmSync(home, { recursive: true, force: true });
    throw error;
  }
}

function conformanceNetwork(backend: string, home: string, description: NetworkDescription, running: RunningBackend): ConformanceNetwork {
  const connect = () => openLedgerClient({ description, crypto: running.crypto, address: running.address });
  let client = connect();
  let closed = false;
  const first = description.departments[0]!.mspId;
  return {
    backend,
    home,
    description,
    crypto: running.crypto,
    departments: description.departments.map((d) => d.mspId),
    get client() {
      return client;
    },
    network: (mspId = first) => client.network(mspId),
    system: (mspId = first) => client.contract(mspId, 'system'),
    qscc: (mspId = first) => client.network(mspId).getContract('qscc'),
    crash: () => running.crash(),
    async restart() {
      client.close();
      await running.restart();
      client = connect();
    },
    stopChaincodeServer: () => running.stopChaincodeServer(),
    startChaincodeServer: () => running.startChaincodeServer(),
    async close() {
      if (closed) return;
      closed = true;
      client.close();
      try {
        await running.stop();
      } finally {
        rmSync(home, { recursive: true, force: true });
      }
    },
  };
}
