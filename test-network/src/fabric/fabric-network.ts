import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { common } from '@hyperledger/fabric-protos';
import {
  chaincodePackage, generateNetworkCrypto, isImplicitMetaRule, openLedgerClient,
  type NetworkCrypto, type NetworkDescription,
} from '@citytrust/network-config';
import { logTail } from '@citytrust/shared';
import { isAlive, portAccepts, readProcessRecord, sleep, spawnManaged, stopManaged, type ProcessRecord } from '../network/managed-process';
import { NetworkStartError, type NetworkUp, type ProcessStatus, type UpOptions } from '../network/embedded-network';
import { recordLedgerBackend } from '../network/ledger-backend';
import { channelProfile, configtxYaml } from './configtx-yaml';
import { FabricCommandError, healthy, ordererChannel, runFabric, type AdminTls } from './fabric-admin';
import {
  adminEnvironment, adminProcessEnvironment, chaincodeServerEnvironment, ordererAdminFiles, ordererEnvironment,
  ordererTlsCaFile, peerEnvironment, peerFiles,
} from './fabric-environment';
import type { FabricRelease } from './fabric-release';
import { fabricPorts, fabricTopology, type FabricTopology, type OrdererProcess, type PeerProcess } from './fabric-topology';

/**
 * `citytrust up --ledger fabric`: the network description brought up on Fabric's own binaries,
 * every process on 127.0.0.1 with TLS, each step checking the current state before acting, so a
 * second `up` resumes where the first stopped and `up` after `down` restarts the same ledger.
 */

/** The steps of bring-up, in order; progress output counts them. */
export const fabricSteps = [
  'Identities (MSPs)',
  'Genesis block (configtxgen)',
  'Orderers (Raft)',
  'Orderers join the channel (osnadmin)',
  'Peers',
  'Peers join the channel',
  'Chaincode package installed',
  'Chaincode servers',
  'Chaincode approved by each department',
  'Chaincode committed',
  'First transaction',
] as const;

export interface FabricUpOptions extends UpOptions {
  readonly release: FabricRelease;
}

export interface FabricNetworkUp extends NetworkUp {
  /** host:port of the Gateway service clients use: the first department's peer. */
  readonly gatewayAddress: string;
  readonly packageId: string;
}

export async function upFabricNetwork(options: FabricUpOptions): Promise<FabricNetworkUp> {
  const { home, description, release } = options;
  const step = options.onStep ?? (() => ({ done: () => undefined }));
  const deadline = Date.now() + (options.readyTimeoutMs ?? 180_000);
  const topology = fabricTopology(description, home);
  const cryptoDir = join(home, 'crypto');
  const run = (name: (typeof fabricSteps)[number]) => step(name);
  recordLedgerBackend(home, 'fabric');

  let s = run('Identities (MSPs)');
  const crypto = await generateNetworkCrypto(description, cryptoDir);
  s.done(cryptoDir);

  s = run('Genesis block (configtxgen)');
  s.done(await ensureGenesisBlock(release, description, crypto, topology, cryptoDir));

  await assertPortsFree(home, topology);
  const started: ProcessRecord[] = [];
  const processes: ProcessRecord[] = [];
  try {
    s = run('Orderers (Raft)');
    const ordererStates = [];
    for (const orderer of topology.orderers) {
      const { record, fresh } = ensureProcess(home, orderer.name, orderer.address, [release.orderer], ordererEnvironment(release, cryptoDir, description, orderer), orderer.dataDir);
      if (fresh) started.push(record);
      processes.push(record);
      ordererStates.push(fresh ? 'started' : 'running');
      // Its operations service answers before its admin service listens.
      await waitFor(record, deadline, async () => (await healthy(orderer.operationsPort)).ok && portAccepts(orderer.adminPort));
    }
    s.done(summary(topology.orderers.map((o) => o.address), ordererStates));

    s = run('Orderers join the channel (osnadmin)');
    const adminTls = ordererAdminTls(cryptoDir, description);
    const joins = [];
    for (const orderer of topology.orderers) joins.push(await joinOrderer(release, description, topology, orderer, adminTls));
    s.done(joins.join(', '));

    s = run('Peers');
    const peerStates = [];
    for (const peer of topology.peers) {
      const { record, fresh } = ensureProcess(home, peer.name, peer.address, [release.peer, 'node', 'start'], peerEnvironment(release, cryptoDir, peer), peer.dataDir);
      if (fresh) started.push(record);
      processes.push(record);
      peerStates.push(fresh ? 'started' : 'running');
    }
    // A restarted peer answers /healthz while it still opens its ledgers, before it serves gRPC.
    for (const [i, peer] of topology.peers.entries()) {
      await waitFor(processes[topology.orderers.length + i]!, deadline, async () => (await healthy(peer.operationsPort)).ok && portAccepts(peer.port));
    }
    s.done(summary(topology.peers.map((p) => p.address), peerStates));

    const admin = (peer: PeerProcess) => adminProcessEnvironment(adminEnvironment(release, cryptoDir, description, peer, topology.orderers[0]!));
    s = run('Peers join the channel');
    const peerJoins = [];
    for (const peer of topology.peers) peerJoins.push(await joinPeer(release, description, topology, peer, admin(peer)));
    s.done(peerJoins.join(', '));

    s = run('Chaincode package installed');
    const pkg = writePackage(description, topology);
    const installs = [];
    for (const peer of topology.peers) installs.push(await installPackage(release, topology, pkg.id, admin(peer)));
    s.done(`${pkg.id} (${installs.join(', ')})`);

    s = run('Chaincode servers');
    const servers = await ensureChaincodeServers(home, description, pkg.id, deadline);
    for (const { record, fresh } of servers) {
      if (fresh) started.push(record);
      processes.push(record);
    }
    s.done(summary(topology.peers.map((p) => p.chaincodeServer.address), servers.map(({ fresh }) => (fresh ? 'started' : 'running'))));

    s = run('Chaincode approved by each department');
    const committed = await committedSequence(release, description, admin(topology.peers[0]!));
    if (committed !== undefined) {
      s.done(`already committed (sequence ${committed})`);
    } else {
      const approvals = await commitReadiness(release, description, admin(topology.peers[0]!));
      const approved = [];
      for (const peer of topology.peers) {
        const mspId = peer.department.mspId;
        if (approvals[mspId] === true) {
          approved.push(`${mspId} already`);
          continue;
        }
        await retryWhileOrdering(deadline, () => runFabric(release.peer, ['lifecycle', 'chaincode', 'approveformyorg', ...ordererFlags(topology, cryptoDir, description),
          ...definitionFlags(description), '--package-id', pkg.id], admin(peer)));
        approved.push(mspId);
      }
      s.done(approved.join(', '));
    }

    s = run('Chaincode committed');
    if (committed !== undefined) {
      s.done(`${description.chaincode.name} ${description.chaincode.version}, sequence ${committed} (already)`);
    } else {
      const peerFlags = topology.peers.flatMap((peer) => ['--peerAddresses', peer.address, '--tlsRootCertFiles', peerFiles(cryptoDir, peer).tlsCaCertificate]);
      await retryWhileOrdering(deadline, () => runFabric(release.peer, ['lifecycle', 'chaincode', 'commit', ...ordererFlags(topology, cryptoDir, description),
        ...definitionFlags(description), ...peerFlags], admin(topology.peers[0]!)));
      s.done(`${description.chaincode.name} ${description.chaincode.version}, sequence 1, endorsement ${description.chaincode.endorsementPolicy}`);
    }

    s = run('First transaction');
    const gatewayAddress = fabricGatewayAddress(topology);
    const client = openLedgerClient({ description, crypto, address: gatewayAddress });
    try {
      const readiness = await firstTransaction(client, description, processes, deadline);
      const info = common.BlockchainInfo.deserializeBinary(await client.network(description.departments[0]!.mspId).getContract('qscc').evaluateTransaction('GetChainInfo', description.channel));
      s.done(`block ${readiness.blockNumber}, via ${gatewayAddress}`);
      return { crypto, processes, height: info.getHeight(), readiness, gatewayAddress, packageId: pkg.id };
    } finally {
      client.close();
    }
  } catch (error) {
    // Only what this call started is stopped: a resumed `up` leaves what already ran running.
    for (const record of started.reverse()) await stopManaged(home, record, 10_000);
    throw error;
  }
}

/**
 * Each department's chaincode server, started unless it already runs, serving `packageId`
 * with TLS; resolves once each accepts connections.
 */
export async function ensureChaincodeServers(home: string, description: NetworkDescription, packageId: string, deadline = Date.now() + 30_000): Promise<Array<{ record: ProcessRecord; fresh: boolean }>> {
  const cryptoDir = join(home, 'crypto');
  const servers = [];
  for (const peer of fabricTopology(description, home).peers) {
    const server = peer.chaincodeServer;
    const started = ensureProcess(home, server.name, server.address,
      [process.execPath, require.resolve('@citytrust/chaincode/dist/server.js')], chaincodeServerEnvironment(cryptoDir, peer, packageId));
    await waitFor(started.record, deadline, () => portAccepts(server.port));
    servers.push(started);
  }
  return servers;
}

/** Where clients reach the Gateway service on native Fabric: the first department's peer. */
export function fabricGatewayAddress(topology: Pick<FabricTopology, 'peers'>): string {
  return topology.peers[0]!.address;
}

/** The native network's process names in stop order: chaincode servers, peers, orderers. */
export function fabricProcessNames(topology: FabricTopology): string[] {
  return [...topology.peers.map((p) => p.chaincodeServer.name), ...topology.peers.map((p) => p.name), ...topology.orderers.map((o) => o.name)];
}

/** `citytrust down` on native Fabric: every recorded process by its pid, chaincode servers first, orderers last. State is kept. */
export async function downFabricNetwork(home: string, description: NetworkDescription): Promise<Array<{ name: string; pid: number; outcome: string }>> {
  const stopped = [];
  for (const name of fabricProcessNames(fabricTopology(description, home))) {
    const record = readProcessRecord(home, name);
    if (!record) continue;
    stopped.push({ name, pid: record.pid, outcome: await stopManaged(home, record, 15_000) });
  }
  return stopped;
}

function summary(addresses: readonly string[], states: readonly string[]): string {
  const started = states.filter((state) => state === 'started').length;
  return `${addresses.join(', ')}${started === states.length ? '' : ` (${states.length - started} already running)`}`;
}

async function ensureGenesisBlock(release: FabricRelease, description: NetworkDescription, crypto: NetworkCrypto, topology: FabricTopology, cryptoDir: string): Promise<string> {
  if (existsSync(topology.genesisBlock)) return `${topology.genesisBlock} (kept: the channel exists)`;
  mkdirSync(topology.configtxDir, { recursive: true });
  writeFileSync(join(topology.configtxDir, 'configtx.yaml'), configtxYaml(description, crypto, topology, cryptoDir));
  mkdirSync(dirname(topology.genesisBlock), { recursive: true });
  const partial = `${topology.genesisBlock}.partial`;
  await runFabric(release.configtxgen, ['-configPath', topology.configtxDir, '-profile', channelProfile, '-channelID', description.channel, '-outputBlock', partial],
    { PATH: process.env.PATH ?? '', FABRIC_LOGGING_SPEC: 'WARNING' });
  renameSync(partial, topology.genesisBlock);
  return topology.genesisBlock;
}

/**
 * A process already running under its record is kept; otherwise it is started and recorded. Each
 * runs until `down`, whoever brought the network up: Fabric's own nodes cannot follow an owner.
 */
function ensureProcess(home: string, name: string, endpoint: string, command: readonly [string, ...string[]], env: Record<string, string>, dataDir?: string): { record: ProcessRecord; fresh: boolean } {
  const existing = readProcessRecord(home, name);
  if (existing && isAlive(existing.pid)) return { record: existing, fresh: false };
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  return { record: spawnManaged({ home, name, endpoint, command, env, lifetime: 'outlives-spawner' }), fresh: true };
}

/**
 * Before starting anything, every port of a process that is not already running must be free:
 * another program there would answer the health probes in its place.
 */
async function assertPortsFree(home: string, topology: FabricTopology): Promise<void> {
  const running = new Set(fabricProcessNames(topology).filter((name) => {
    const record = readProcessRecord(home, name);
    return record !== undefined && isAlive(record.pid);
  }));
  for (const { port, process: name, what, field } of fabricPorts(topology)) {
    if (running.has(name)) continue;
    if (await portAccepts(port)) {
      throw new NetworkStartError(`port ${port} on 127.0.0.1, wanted by ${what}, is already in use: stop what uses it (\`ss -ltnp 'sport = :${port}'\` names it) ` +
        `or change ${field} in the network description`);
    }
  }
}

function ordererAdminTls(cryptoDir: string, description: NetworkDescription): AdminTls {
  const admin = ordererAdminFiles(cryptoDir, description);
  return { caFile: ordererTlsCaFile(cryptoDir, description), certFile: admin.tlsCertificate, keyFile: admin.tlsPrivateKey };
}

async function joinOrderer(release: FabricRelease, description: NetworkDescription, topology: FabricTopology, orderer: OrdererProcess, tls: AdminTls): Promise<string> {
  const joined = await ordererChannel(orderer.adminPort, description.channel, tls);
  if (joined) return `${orderer.name} already (${joined.consensusRelation}, height ${joined.height})`;
  await runFabric(release.osnadmin, ['channel', 'join', '--channelID', description.channel, '--config-block', topology.genesisBlock,
    '-o', `127.0.0.1:${orderer.adminPort}`, '--ca-file', tls.caFile, '--client-cert', tls.certFile, '--client-key', tls.keyFile], { PATH: process.env.PATH ?? '' });
  const after = await ordererChannel(orderer.adminPort, description.channel, tls);
  if (!after) throw new NetworkStartError(`osnadmin joined ${orderer.name} to ${description.channel}, yet its admin API does not list the channel; see its log`);
  return `${orderer.name} (${after.consensusRelation})`;
}

async function joinPeer(release: FabricRelease, description: NetworkDescription, topology: FabricTopology, peer: PeerProcess, env: Record<string, string>): Promise<string> {
  const list = await runFabric(release.peer, ['channel', 'list'], env);
  if (list.split('\n').some((line) => line.trim() === description.channel)) return `${peer.department.mspId} already`;
  await runFabric(release.peer, ['channel', 'join', '-b', topology.genesisBlock], env);
  return peer.department.mspId;
}

function writePackage(description: NetworkDescription, topology: FabricTopology): { id: string } {
  const pkg = chaincodePackage(description);
  const current = existsSync(topology.chaincodePackageFile) ? readFileSync(topology.chaincodePackageFile) : undefined;
  if (!current?.equals(pkg.bytes)) {
    mkdirSync(dirname(topology.chaincodePackageFile), { recursive: true });
    writeFileSync(`${topology.chaincodePackageFile}.tmp`, pkg.bytes);
    renameSync(`${topology.chaincodePackageFile}.tmp`, topology.chaincodePackageFile);
  }
  return { id: pkg.id };
}

async function installPackage(release: FabricRelease, topology: FabricTopology, packageId: string, env: Record<string, string>): Promise<string> {
  const installed = JSON.parse((await runFabric(release.peer, ['lifecycle', 'chaincode', 'queryinstalled', '--output', 'json'], env)).trim() || '{}') as { installed_chaincodes?: Array<{ package_id: string }> };
  if (installed.installed_chaincodes?.some((c) => c.package_id === packageId)) return `${env.CORE_PEER_LOCALMSPID} already`;
  await runFabric(release.peer, ['lifecycle', 'chaincode', 'install', topology.chaincodePackageFile], env);
  return env.CORE_PEER_LOCALMSPID ?? '';
}

/** The chaincode definition every department approves and one commits: name, version, sequence 1, the description's endorsement policy. */
function definitionFlags(description: NetworkDescription): string[] {
  const { name, version, endorsementPolicy } = description.chaincode;
  const policy = isImplicitMetaRule(endorsementPolicy)
    ? ['--channel-config-policy', '/Channel/Application/Endorsement'] // the channel's Endorsement policy is the description's rule
    : ['--signature-policy', endorsementPolicy];
  return ['--channelID', description.channel, '--name', name, '--version', version, '--sequence', '1', ...policy];
}

function ordererFlags(topology: FabricTopology, cryptoDir: string, description: NetworkDescription): string[] {
  return ['-o', topology.orderers[0]!.address, '--tls', '--cafile', ordererTlsCaFile(cryptoDir, description)];
}

async function committedSequence(release: FabricRelease, description: NetworkDescription, env: Record<string, string>): Promise<number | undefined> {
  try {
    const out = await runFabric(release.peer, ['lifecycle', 'chaincode', 'querycommitted', '--channelID', description.channel, '--name', description.chaincode.name, '--output', 'json'], env);
    return (JSON.parse(out) as { sequence: number }).sequence;
  } catch (error) {
    if (error instanceof FabricCommandError && /not (be )?found|is not defined|could not find/i.test(error.output)) return undefined;
    throw error;
  }
}

async function commitReadiness(release: FabricRelease, description: NetworkDescription, env: Record<string, string>): Promise<Record<string, boolean>> {
  const out = await runFabric(release.peer, ['lifecycle', 'chaincode', 'checkcommitreadiness', ...definitionFlags(description), '--output', 'json'], env);
  return (JSON.parse(out) as { approvals: Record<string, boolean> }).approvals;
}

/**
 * Right after the orderers join, Raft has no leader for a moment (about a second on one
 * machine), and a transaction sent then is refused; so is one sent while a peer has not yet
 * seen the block that a previous step committed. Retried until the deadline.
 */
async function retryWhileOrdering<T>(deadline: number, action: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      return await action();
    } catch (error) {
      const transient = error instanceof FabricCommandError && /no Raft leader|SERVICE_UNAVAILABLE|leader|timed out waiting for txid|connection refused/i.test(error.output);
      if (!transient || Date.now() > deadline) throw error;
      await sleep(500);
    }
  }
}

async function firstTransaction(client: ReturnType<typeof openLedgerClient>, description: NetworkDescription, processes: readonly ProcessRecord[], deadline: number): Promise<{ txId: string; blockNumber: number }> {
  let last = '';
  for (;;) {
    for (const record of processes) {
      if (!isAlive(record.pid)) throw new NetworkStartError(`${record.name} exited while starting; the end of ${record.log}:\n${logTail(record.log, record.logStart)}`);
    }
    try {
      const submitted = await client.contract(description.departments[0]!.mspId, 'system').submitAsync('put', { arguments: ['citytrust/up', new Date().toISOString()] });
      const status = await submitted.getStatus();
      if (status.successful) return { txId: status.transactionId, blockNumber: Number(status.blockNumber) };
      last = `transaction ${status.transactionId} committed with validation code ${status.code}`;
    } catch (error) {
      // Gossip needs a moment after the peers join to show the gateway the other departments' peers.
      last = error instanceof Error ? `${error.message}${detailsOf(error)}` : String(error);
    }
    if (Date.now() > deadline) throw new NetworkStartError(`no transaction committed before the deadline; the last attempt: ${last}`);
    await sleep(500);
  }
}

function detailsOf(error: Error): string {
  const details = (error as { details?: Array<{ address: string; message: string }> }).details;
  return details?.length ? ` (${details.map((d) => `${d.address}: ${d.message}`).join('; ')})` : '';
}

async function waitFor(record: ProcessRecord, deadline: number, ready: () => Promise<boolean>): Promise<void> {
  for (;;) {
    if (!isAlive(record.pid)) throw new NetworkStartError(`${record.name} exited while starting; the end of ${record.log}:\n${logTail(record.log, record.logStart)}`);
    if (await ready()) return;
    if (Date.now() > deadline) throw new NetworkStartError(`${record.name} did not become ready in time; the end of ${record.log}:\n${logTail(record.log, record.logStart)}`);
    await sleep(100);
  }
}

/** Every process of the native network with its endpoint and a live health probe, in start order. */
export async function fabricNetworkStatus(home: string, description: NetworkDescription, crypto: NetworkCrypto | undefined): Promise<ProcessStatus[]> {
  const topology = fabricTopology(description, home);
  const cryptoDir = join(home, 'crypto');
  const probe = async (name: string, check: (record: ProcessRecord) => Promise<{ healthy: boolean; detail: string }>): Promise<ProcessStatus> => {
    const record = readProcessRecord(home, name);
    if (!record) return { name, state: 'not started', healthy: false, detail: 'not started: `citytrust up --ledger fabric` starts it' };
    const base = { name, pid: record.pid, endpoint: record.endpoint, log: record.log };
    if (!isAlive(record.pid)) return { ...base, state: 'died', healthy: false, detail: `pid ${record.pid} is not running: it stopped unexpectedly`, logTail: logTail(record.log, record.logStart) };
    return { ...base, state: 'running', ...(await check(record)) };
  };
  const orderers = topology.orderers.map((orderer) => probe(orderer.name, async () => {
    const health = await healthy(orderer.operationsPort);
    if (!health.ok) return { healthy: false, detail: `/healthz on 127.0.0.1:${orderer.operationsPort}: ${health.detail}` };
    try {
      const channel = await ordererChannel(orderer.adminPort, description.channel, ordererAdminTls(cryptoDir, description));
      return channel
        ? { healthy: true, detail: `channel ${description.channel}: ${channel.consensusRelation}, ${channel.status}, height ${channel.height}` }
        : { healthy: false, detail: `has not joined channel ${description.channel}` };
    } catch (error) {
      return { healthy: false, detail: error instanceof Error ? error.message : String(error) };
    }
  }));
  const peers = topology.peers.map((peer) => probe(peer.name, async () => {
    const health = await healthy(peer.operationsPort);
    if (!health.ok) return { healthy: false, detail: `/healthz on 127.0.0.1:${peer.operationsPort}: ${health.detail}` };
    if (!crypto) return { healthy: true, detail: `${peer.department.mspId}; no identities to query its ledger with` };
    const client = openLedgerClient({ description, crypto, address: peer.address });
    try {
      const bytes = await client.network(peer.department.mspId).getContract('qscc').evaluateTransaction('GetChainInfo', description.channel);
      return { healthy: true, detail: `${peer.department.mspId}, channel ${description.channel}, height ${common.BlockchainInfo.deserializeBinary(bytes).getHeight()}` };
    } catch (error) {
      return { healthy: false, detail: `${peer.department.mspId}: does not answer: ${error instanceof Error ? error.message : String(error)}` };
    } finally {
      client.close();
    }
  }));
  const servers = topology.peers.map((peer) => probe(peer.chaincodeServer.name, async (record) => {
    const accepting = await portAccepts(peer.chaincodeServer.port);
    return { healthy: accepting, detail: accepting ? `${peer.department.mspId}'s chaincode server (TLS), accepting connections` : `not accepting connections on ${record.endpoint}` };
  }));
  return Promise.all([...orderers, ...peers, ...servers]);
}
