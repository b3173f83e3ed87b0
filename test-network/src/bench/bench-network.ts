import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadNetworkDescription, type NetworkDescription } from '@citytrust/network-config';
import { writeTestNetworkDescription } from '@citytrust/network-config/dist/testing/test-network-description';
import { downEmbeddedNetwork, embeddedProcesses, upEmbeddedNetwork, type NetworkUp } from '../network/embedded-network';
import type { LedgerBackend } from '../network/ledger-backend';
import { ledgerGatewayAddress } from '../network/ledger-network';
import { downFabricNetwork, upFabricNetwork } from '../fabric/fabric-network';
import { onFreeFabricPorts } from '../fabric/fabric-free-ports';
import { checkFabricRelease } from '../fabric/fabric-release';
import { fabricTopology } from '../fabric/fabric-topology';
import { readProcessRecord } from '../network/managed-process';
import type { WatchedProcess } from './process-memory';

/**
 * The benchmark's network: a temporary CITYTRUST_HOME and a description on free ports, so it
 * never meets a network already up. `down` is safe at any moment, also while `start` is still
 * under way (from a Ctrl-C handler): it stops whatever has a run record by then.
 */
export interface BenchNetwork {
  /** The temporary CITYTRUST_HOME: identities, ledger data, logs, run records. */
  readonly home: string;
  readonly description: NetworkDescription;
  readonly backend: LedgerBackend;
  /** Brings the network up exactly as `citytrust up` does and times it. */
  start(): Promise<StartedNetwork>;
  /**
   * Stops the processes (ledger first, as `citytrust down`) and removes the home unless asked to
   * keep it. Later calls share the first.
   */
  down(): Promise<void>;
}

export interface StartedNetwork {
  readonly up: NetworkUp;
  /** host:port of the Gateway service the client dials. */
  readonly gatewayAddress: string;
  /** From calling `up` until its first transaction committed: "up to ready". */
  readonly upToReadyMs: number;
  /** How long each step of `up` took, in order. */
  readonly steps: ReadonlyArray<{ readonly step: string; readonly ms: number }>;
  /**
   * The ledger and chaincode processes, by the pids in their run records. On native Fabric every
   * orderer and peer is reported as `ledger` and every chaincode server as `chaincode`, summed.
   */
  readonly processes: readonly WatchedProcess[];
}

export interface BenchNetworkOptions {
  /** Extra NODE_OPTIONS for the ledger and chaincode processes, e.g. `--require <profiler>`. */
  readonly nodeOptions?: string;
  /** Extra environment variables for the ledger and chaincode processes. */
  readonly env?: Readonly<Record<string, string>>;
  /** Keep the home after `down`, e.g. to read the processes' logs. */
  readonly keepHome?: boolean;
  /** The back-end to measure: the embedded ledger (default) or real Fabric from FABRIC_BIN. */
  readonly backend?: LedgerBackend;
}

/**
 * Prepares the network: the packaged description (or the one named by CITYTRUST_NETWORK) with the
 * ledger and chaincode ports moved to free ones, written into the new home. `start` names that
 * file by CITYTRUST_NETWORK for the ledger process, which reads its description from there.
 */
export async function prepareBenchNetwork(options: BenchNetworkOptions = {}): Promise<BenchNetwork> {
  const backend = options.backend ?? 'embedded';
  const release = backend === 'fabric' ? await checkFabricRelease() : undefined;
  const home = mkdtempSync(join(tmpdir(), 'citytrust-ledger-bench-'));
  const base = loadNetworkDescription();
  const { path: descriptionPath, description } = backend === 'fabric'
    ? { path: join(home, 'network.json'), description: await onFreeFabricPorts(base) }
    : await writeTestNetworkDescription(home, base);

  let stopping: Promise<void> | undefined;
  return {
    home,
    description,
    backend,
    start: async () => {
      const steps: Array<{ step: string; ms: number }> = [];
      return withEnvironment({ ...options.env, CITYTRUST_NETWORK: descriptionPath, ...nodeOptionsEnv(options.nodeOptions) }, async () => {
        const started = performance.now();
        const onStep = (step: string) => {
          const stepStarted = performance.now();
          return { done: () => void steps.push({ step, ms: performance.now() - stepStarted }) };
        };
        const up = release ? await upFabricNetwork({ home, description, release, onStep }) : await upEmbeddedNetwork({ home, description, onStep });
        return { up, upToReadyMs: performance.now() - started, steps, gatewayAddress: ledgerGatewayAddress(backend, description, home), processes: runningProcesses(home, backend, description) };
      });
    },
    down: () => (stopping ??= (backend === 'fabric' ? downFabricNetwork(home, description) : downEmbeddedNetwork(home)).then(() => {
      if (!options.keepHome) rmSync(home, { recursive: true, force: true });
    })),
  };
}

function runningProcesses(home: string, backend: LedgerBackend, description: NetworkDescription): WatchedProcess[] {
  const topology = fabricTopology(description, home);
  const roles: Array<{ name: string; record: string }> = backend === 'fabric'
    ? [...[...topology.orderers, ...topology.peers].map((node) => ({ name: 'ledger', record: node.name })), ...topology.peers.map((p) => ({ name: 'chaincode', record: p.chaincodeServer.name }))]
    : embeddedProcesses.map((name) => ({ name, record: name }));
  return roles.map(({ name, record: recordName }) => {
    const record = readProcessRecord(home, recordName);
    if (!record) throw new Error(`no run record for ${recordName} under ${join(home, 'run')} after up; the network did not start as citytrust up starts it`);
    return { name, pid: record.pid };
  });
}

function nodeOptionsEnv(extra: string | undefined): Record<string, string> {
  if (extra === undefined) return {};
  return { NODE_OPTIONS: [process.env.NODE_OPTIONS, extra].filter(Boolean).join(' ') };
}

/**
 * Runs `action` with variables set in this process's environment, which `upEmbeddedNetwork`
 * hands to the processes it spawns, and puts the environment back afterwards.
 */
async function withEnvironment<T>(variables: Record<string, string>, action: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(variables).map((name) => [name, process.env[name]]));
  Object.assign(process.env, variables);
  try {
    return await action();
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}
