import { join } from 'node:path';
import { common } from '@hyperledger/fabric-protos';
import { chaincodePackageId, generateNetworkCrypto, openLedgerClient, type LedgerClient, type NetworkCrypto, type NetworkDescription } from '@citytrust/network-config';
import { logTail } from '@citytrust/shared';
import { recordLedgerBackend } from './ledger-backend';
import { isAlive, portAccepts, readProcessRecord, sleep, spawnManaged, stopManaged, type ProcessRecord } from './managed-process';

/**
 * Glibc makes a malloc arena per thread, and the thread pool signs and verifies: two arenas took
 * about 10 MB off the ledger's resident memory under load in `npm run bench:ledger`, at no
 * measurable cost. The environment can override it.
 */
const leanEnvironment = { MALLOC_ARENA_MAX: '2' } as const;

/**
 * What the ledger and chaincode processes inherit from this one: their own settings
 * (`CITYTRUST_*`, the shim's `CORE_*` and `CHAINCODE_*`), Node's and the C library's, and the
 * basics a process needs. Nothing else: in particular none of the gateway's secrets or an
 * operator's password, whatever the environment of whoever started them holds.
 */
const inheritedVariables = /^(CITYTRUST_|CORE_|CHAINCODE_|NODE_|UV_THREADPOOL_SIZE$|MALLOC_|PATH$|HOME$|USER$|LANG$|LC_|TZ$|TMPDIR$)/;

function inheritedEnvironment(): Record<string, string> {
  return Object.fromEntries(Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined && inheritedVariables.test(entry[0])));
}

/** The background processes of the embedded back-end, in start order. */
export const embeddedProcesses = ['chaincode', 'ledger'] as const;
export type EmbeddedProcessName = (typeof embeddedProcesses)[number];

export class NetworkAlreadyUpError extends Error {
  override readonly name = 'NetworkAlreadyUpError';
}

export class NetworkStartError extends Error {
  override readonly name = 'NetworkStartError';
}

export interface UpOptions {
  readonly home: string;
  readonly description: NetworkDescription;
  /** Called as each step starts and ends, for progress output. */
  readonly onStep?: (step: string, detail?: string) => { done(detail?: string): void };
  readonly readyTimeoutMs?: number;
  /**
   * True for `citytrust up`: the processes run on after the caller exits, until `citytrust down`.
   * Otherwise (`citytrust start`, tests, benchmarks) they belong to the calling process and exit
   * within about a second when it dies, even by SIGKILL. Embedded back-end only: native Fabric's
   * nodes are Fabric's own programs and always run until `down`.
   */
  readonly outlivesCaller?: boolean;
}

export interface NetworkUp {
  readonly crypto: NetworkCrypto;
  readonly processes: readonly ProcessRecord[];
  /** The ledger's height after the readiness transaction committed. */
  readonly height: number;
  /** The readiness transaction's id and block. */
  readonly readiness: { readonly txId: string; readonly blockNumber: number };
}

/**
 * `citytrust up` on the embedded back-end: identities, then the chaincode server and the ledger
 * as background processes (the caller's, or outliving it: see `outlivesCaller`); returns once a transaction has been endorsed, ordered and committed
 * through `@hyperledger/fabric-gateway`, so "up" means usable. A process that dies on the way is
 * reported with its log's tail, and nothing is left running.
 */
export async function upEmbeddedNetwork(options: UpOptions): Promise<NetworkUp> {
  const { home, description } = options;
  const step = options.onStep ?? (() => ({ done: () => undefined }));
  const running = embeddedProcesses.map((name) => readProcessRecord(home, name)).filter((r): r is ProcessRecord => r !== undefined && isAlive(r.pid));
  if (running.length > 0) {
    throw new NetworkAlreadyUpError(`the network is already up from ${home} (${running.map((r) => `${r.name} pid ${r.pid}`).join(', ')}); ` +
      'see `citytrust status`, or stop it with `citytrust down`');
  }
  await assertPortsFree(description);
  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);

  recordLedgerBackend(home, 'embedded');
  const identities = step('Identities (MSPs)');
  const crypto = await generateNetworkCrypto(description, join(home, 'crypto'));
  identities.done(join(home, 'crypto'));

  const lifetime = options.outlivesCaller ? 'outlives-spawner' : 'owned';
  const started: ProcessRecord[] = [];
  try {
    const chaincodeStep = step('Chaincode server');
    const chaincodeAddress = `127.0.0.1:${description.chaincode.serverPort}`;
    const chaincode = spawnManaged({
      home,
      name: 'chaincode',
      endpoint: chaincodeAddress,
      command: [process.execPath, require.resolve('@citytrust/chaincode/dist/server.js')],
      // The shim logs every transaction at INFO: too costly and too noisy for a ledger's log.
      env: { CORE_CHAINCODE_LOGGING_LEVEL: 'WARNING', ...leanEnvironment, ...inheritedEnvironment(), CHAINCODE_ID: chaincodePackageId(description), CHAINCODE_SERVER_ADDRESS: chaincodeAddress },
      lifetime,
    });
    started.push(chaincode);
    await waitFor(chaincode, deadline, () => portAccepts(description.chaincode.serverPort));
    chaincodeStep.done(chaincodeAddress);

    const ledgerStep = step('Embedded ledger');
    const ledger = spawnManaged({
      home,
      name: 'ledger',
      endpoint: `127.0.0.1:${description.embedded.port}`,
      command: [process.execPath, join(__dirname, '..', 'embedded', 'main.js')],
      env: { ...leanEnvironment, ...inheritedEnvironment(), CITYTRUST_HOME: home },
      lifetime,
    });
    started.push(ledger);
    const client = openLedgerClient({ description, crypto });
    try {
      const readiness = await waitFor(ledger, deadline, () => commitReadiness(client, description));
      const height = await ledgerHeight(client, description);
      ledgerStep.done(`${ledger.endpoint}, channel ${description.channel}, height ${height}`);
      return { crypto, processes: started, height, readiness };
    } finally {
      client.close();
    }
  } catch (error) {
    for (const record of started.reverse()) await stopManaged(home, record, 5_000);
    throw error;
  }
}

/**
 * Another program on one of the network's ports would answer the readiness probes in its place:
 * the chaincode check sees only that the port accepts, and the gateway client would wait out its
 * deadline on a server that never speaks TLS while the ledger has already exited. So `up` refuses
 * before starting anything, naming the port and the description field that sets it.
 */
async function assertPortsFree(description: NetworkDescription): Promise<void> {
  const wanted = [
    { port: description.chaincode.serverPort, field: 'chaincode.serverPort', what: 'the chaincode server' },
    { port: description.embedded.port, field: 'embedded.port', what: 'the embedded ledger' },
  ];
  for (const { port, field, what } of wanted) {
    if (await portAccepts(port)) {
      throw new NetworkStartError(`port ${port} on 127.0.0.1, wanted by ${what} (network description: ${field}), is already in use: ` +
        `stop what uses it (\`ss -ltnp 'sport = :${port}'\` names it) or change ${field} in the network description`);
    }
  }
}

/** `citytrust down`: stops the network's processes by their recorded pids, ledger first. */
export async function downEmbeddedNetwork(home: string): Promise<Array<{ name: string; pid: number; outcome: string }>> {
  const stopped = [];
  for (const name of [...embeddedProcesses].reverse()) {
    const record = readProcessRecord(home, name);
    if (!record) continue;
    stopped.push({ name, pid: record.pid, outcome: await stopManaged(home, record) });
  }
  return stopped;
}

export interface ProcessStatus {
  /** The process's record name: `ledger`, `chaincode`, or a native node's host name. */
  readonly name: string;
  readonly state: 'running' | 'not started' | 'died';
  readonly healthy: boolean;
  readonly pid?: number;
  readonly endpoint?: string;
  readonly detail: string;
  /** For a process that died: the end of its log. */
  readonly logTail?: string;
  readonly log?: string;
}

/** Every process of the network with its endpoint and a live health probe. */
export async function embeddedNetworkStatus(home: string, description: NetworkDescription, crypto: NetworkCrypto | undefined): Promise<ProcessStatus[]> {
  return Promise.all(embeddedProcesses.map(async (name): Promise<ProcessStatus> => {
    const record = readProcessRecord(home, name);
    if (!record) return { name, state: 'not started', healthy: false, detail: 'not started: `citytrust up` starts it' };
    const base = { name, pid: record.pid, endpoint: record.endpoint, log: record.log };
    if (!isAlive(record.pid)) return { ...base, state: 'died', healthy: false, detail: `pid ${record.pid} is not running: it stopped unexpectedly`, logTail: logTail(record.log, record.logStart) };
    if (name === 'chaincode') {
      const accepting = await portAccepts(description.chaincode.serverPort);
      return { ...base, state: 'running', healthy: accepting, detail: accepting ? 'accepting connections' : `not accepting connections on ${record.endpoint}` };
    }
    if (!crypto) return { ...base, state: 'running', healthy: false, detail: 'no identities to query it with' };
    const client = openLedgerClient({ description, crypto });
    try {
      const height = await ledgerHeight(client, description);
      return { ...base, state: 'running', healthy: true, detail: `channel ${description.channel}, height ${height}` };
    } catch (error) {
      return { ...base, state: 'running', healthy: false, detail: `does not answer: ${error instanceof Error ? error.message : String(error)}` };
    } finally {
      client.close();
    }
  }));
}

/** Height and hashes of the channel, from qscc GetChainInfo as any Fabric client would ask. */
export async function ledgerInfo(client: LedgerClient, description: NetworkDescription): Promise<{ height: number; currentBlockHash: string; previousBlockHash: string }> {
  const mspId = description.departments[0]!.mspId;
  const bytes = await client.network(mspId).getContract('qscc').evaluateTransaction('GetChainInfo', description.channel);
  const info = common.BlockchainInfo.deserializeBinary(bytes);
  return {
    height: info.getHeight(),
    currentBlockHash: Buffer.from(info.getCurrentblockhash_asU8()).toString('hex'),
    previousBlockHash: Buffer.from(info.getPreviousblockhash_asU8()).toString('hex'),
  };
}

async function ledgerHeight(client: LedgerClient, description: NetworkDescription): Promise<number> {
  return (await ledgerInfo(client, description)).height;
}

async function commitReadiness(client: LedgerClient, description: NetworkDescription): Promise<{ txId: string; blockNumber: number } | undefined> {
  try {
    const contract = client.contract(description.departments[0]!.mspId, 'system');
    const submitted = await contract.submitAsync('put', { arguments: ['citytrust/up', new Date().toISOString()] });
    const status = await submitted.getStatus();
    return status.successful ? { txId: status.transactionId, blockNumber: Number(status.blockNumber) } : undefined;
  } catch {
    return undefined;
  }
}

/** Polls `ready` until it answers, the process dies (error with its log tail) or the deadline passes. */
async function waitFor<T>(record: ProcessRecord, deadline: number, ready: () => Promise<T | undefined | false>): Promise<T> {
  for (;;) {
    if (!isAlive(record.pid)) {
      throw new NetworkStartError(`the ${record.name} process exited while starting; the end of ${record.log}:\n${logTail(record.log, record.logStart)}`);
    }
    const answer = await ready();
    if (answer !== undefined && answer !== false) return answer;
    if (Date.now() > deadline) {
      throw new NetworkStartError(`the ${record.name} did not become ready in time; the end of ${record.log}:\n${logTail(record.log, record.logStart)}`);
    }
    await sleep(100);
  }
}
