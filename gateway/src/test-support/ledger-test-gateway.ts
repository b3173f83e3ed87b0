import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadNetworkDescription, openLedgerClient, type LedgerClient, type NetworkDescription } from '@citytrust/network-config';
import { writeTestNetworkDescription } from '@citytrust/network-config/dist/testing/test-network-description';
import { downLedgerNetwork, upLedgerNetwork } from '@citytrust/test-network';
import { onFreeFabricPorts } from '@citytrust/test-network/dist/fabric/fabric-free-ports';
import { startOffchainIndex, type OffchainIndex } from '@citytrust/credit-service';
import { fabricLedger } from '../ledger/fabric-ledger';
import type { Ledger } from '../ledger/ledger';
import { startTestGateway, type TestGateway } from './test-gateway';

/** A test gateway on a real embedded ledger of its own (its own home and free ports). */
export interface LedgerTestGateway extends TestGateway {
  readonly home: string;
  readonly description: NetworkDescription;
  /** The one client path the gateway's ledger uses, for a test to reach the ledger directly. */
  readonly client: LedgerClient;
  readonly ledger: Ledger;
  /**
   * Waits until the off-chain index holds these trails (by trail id), as `citytrust start`'s
   * indexer would write them; only with the `offchainIndex` option.
   */
  untilIndexed(...trailIds: string[]): Promise<void>;
}

export interface LedgerTestGatewayOptions {
  /** The gateway's environment (e.g. a raised rate limit). */
  readonly env?: Record<string, string>;
  /** Departments whose seal key is generated and registered before the test: every one by default. */
  readonly sealKeysFor?: readonly string[];
  /** Until when those keys are valid (default: a year from now). */
  readonly sealKeysValidUntil?: string;
  /** Runs the credit service's indexer on the gateway's Postgres, as `citytrust start` does. */
  readonly offchainIndex?: boolean;
}

/**
 * Brings up a ledger (the embedded one; real Fabric from FABRIC_BIN with CITYTRUST_LEDGER=fabric,
 * as the conformance suite), a gateway on it (with its own embedded Postgres) and the
 * departments' seal keys; `close()` takes it all down and restores CITYTRUST_NETWORK, which the
 * ledger process reads its description from while it runs.
 */
export async function startLedgerTestGateway(options: LedgerTestGatewayOptions = {}): Promise<LedgerTestGateway> {
  const home = mkdtempSync(join(tmpdir(), 'citytrust-ledger-gateway-'));
  const suiteNetworkFile = process.env.CITYTRUST_NETWORK;
  const restore = () => {
    if (suiteNetworkFile === undefined) delete process.env.CITYTRUST_NETWORK;
    else process.env.CITYTRUST_NETWORK = suiteNetworkFile;
  };
  let client: LedgerClient | undefined;
  let gateway: TestGateway | undefined;
  let index: OffchainIndex | undefined;
  let network: NetworkDescription | undefined;
  const close = async () => {
    await index?.stop();
    await gateway?.close();
    client?.close();
    restore();
    if (network) await downLedgerNetwork(home, network).catch(() => undefined);
    rmSync(home, { recursive: true, force: true });
  };
  try {
    const backend = process.env.CITYTRUST_LEDGER === 'fabric' ? 'fabric' : 'embedded';
    const { path, description } = backend === 'fabric' ? await writeFabricDescription(home) : await writeTestNetworkDescription(home);
    network = description;
    process.env.CITYTRUST_NETWORK = path;
    const { crypto, gatewayAddress } = await upLedgerNetwork(backend, { home, description });
    client = openLedgerClient({ description, crypto, address: gatewayAddress });
    const ledger = fabricLedger({ client, channel: description.channel, chaincode: description.chaincode.name, healthDepartment: description.departments[0]!.mspId });
    gateway = await startTestGateway(options.env ?? {}, ledger);
    const validUntil = options.sealKeysValidUntil ?? new Date(Date.now() + 365 * 86_400_000).toISOString();
    for (const department of options.sealKeysFor ?? description.departments.map((d) => d.mspId)) {
      await gateway.services.seals.generateKey(department, 'test');
      await gateway.services.seals.registerKey(department, validUntil);
    }
    if (options.offchainIndex) {
      // As `citytrust start`: the indexer writes as the database's owner, the gateway only reads.
      index = await startOffchainIndex(gateway.database.embedded!.url, { network: client.network(description.departments[0]!.mspId), chaincode: description.chaincode.name, retry: { initialDelayMs: 50, maxDelayMs: 500 } });
    }
    const pool = gateway.database.database.pool;
    const untilIndexed = async (...trailIds: string[]) => {
      if (!index) throw new Error('this test gateway runs no off-chain index: start it with { offchainIndex: true }');
      const deadline = Date.now() + 20_000;
      for (;;) {
        const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM offchain.share_trails WHERE trail_id = ANY($1)', [trailIds]);
        if (rows[0]!.n === new Set(trailIds).size) return;
        if (Date.now() > deadline) throw new Error(`the off-chain index did not hold trails ${trailIds.join(', ')} within 20 s: ${JSON.stringify(index.indexer.status(), (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v))}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    return { ...gateway, home, description, client, ledger, untilIndexed, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** The packaged description on ports free for a native network, written into the home. */
async function writeFabricDescription(home: string): Promise<{ path: string; description: NetworkDescription }> {
  const description = await onFreeFabricPorts(loadNetworkDescription(undefined, {}));
  const path = join(home, 'network.json');
  writeFileSync(path, `${JSON.stringify(description, null, 2)}\n`);
  return { path, description };
}
