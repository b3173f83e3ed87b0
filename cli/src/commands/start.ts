import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { OffchainIndex } from '@citytrust/credit-service';
import type { GatewayDatabase, GatewayServices, Ledger, RunningGateway, SupervisorEvent } from '@citytrust/gateway';
import { processIdentity } from '@citytrust/shared';
import type { Command } from '../command';
import { newProgress } from '../progress';
import { readRunningStack, removeStackState, writeStackState, type ComponentState } from '../stack-state';

/**
 * `citytrust start`: brings the stack up in the foreground, one step at a time with progress,
 * prints the URLs, and stops everything cleanly on Ctrl-C. State lives under CITYTRUST_HOME,
 * so the next start resumes with the same data.
 */
export const startCommand: Command = {
  name: 'start',
  summary: 'Bring up the whole stack in the foreground (what `npm start` runs)',
  usage: [
    'usage: citytrust start [--ledger embedded|fabric]',
    '',
    'Starts, in order: the ledger (identities, chaincode server, ledger: as `citytrust up`, or the',
    'one already up), Postgres (embedded under CITYTRUST_HOME unless DATABASE_URL is set) and the',
    'gateway; prints their URLs; stops them on Ctrl-C. Logs go to $CITYTRUST_HOME/logs/.',
    'A second run resumes from the saved state.',
    '',
    'environment: CITYTRUST_HOME, DATABASE_URL, GATEWAY_HOST, GATEWAY_PORT, CITYTRUST_POSTGRES_PORT,',
    '  CITYTRUST_ADMIN_USERNAME / CITYTRUST_ADMIN_PASSWORD / CITYTRUST_ADMIN_DEPARTMENT (first admin, on first start)',
  ].join('\n'),
  async run(args) {
    const { values } = parseArgs({ args, options: { ledger: { type: 'string' } }, strict: true });
    const { fabricLedger, gatewayServices, listen, loadGatewayConfig, loadGatewaySecrets, openGatewayDatabase, redactUrl } = await import('@citytrust/gateway');
    const { chooseLedgerBackend, downLedgerNetwork, ledgerGatewayAddress, ledgerNetworkStatus, ledgerUpSteps, upLedgerNetwork } = await import('@citytrust/test-network');
    const { loadNetworkCrypto, loadNetworkDescription, openLedgerClient } = await import('@citytrust/network-config');
    // Everything that can be wrong with the configuration is found before anything starts, and
    // the secrets leave the environment before any child process could inherit them.
    const config = loadGatewayConfig();
    const secrets = loadGatewaySecrets(config.home);
    const firstAdmin = takeFirstAdminFromEnvironment();
    const backend = chooseLedgerBackend(values.ledger);
    const description = loadNetworkDescription();
    const running = readRunningStack(config.home);
    if (running) {
      throw new Error(`CityTrust is already running from ${config.home} (pid ${running.process.pid}, since ${running.startedAt}); ` +
        `see \`npx citytrust status\`, or stop it with Ctrl-C in its terminal or \`kill ${running.process.pid}\``);
    }
    const logs = join(config.home, 'logs');
    mkdirSync(logs, { recursive: true });
    console.log(`CityTrust: starting the stack (state in ${config.home})`);
    console.log(`Ledger back-end: ${backend} (${backend === 'fabric' ? "Fabric's own orderers and peers from FABRIC_BIN" : "one Node process that is the channel's peers and orderer, speaking Fabric's protocols"})`);
    const progress = newProgress(ledgerUpSteps(backend) + 3);
    const components: ComponentState[] = [];
    let database: GatewayDatabase | undefined;
    let gateway: RunningGateway | undefined;
    let ledger: Ledger | undefined;
    let index: OffchainIndex | undefined;
    let ownsNetwork = false;
    let ledgerAddress = '';

    // Only what this run started is stopped: a network that was already up, or a Postgres that
    // another live CityTrust process started, is left running.
    const stop = async () => {
      await index?.stop();
      await gateway?.close();
      await ledger?.close();
      await database?.close();
      if (ownsNetwork) await downLedgerNetwork(config.home, description);
      removeStackState(config.home);
    };
    try {
      const network = await ledgerNetworkStatus(config.home, description, undefined);
      const already = network.processes.filter((p) => p.state === 'running');
      if (network.backend === backend && already.length === network.processes.length && backend === 'embedded') {
        progress.step('Identities (MSPs)').done('kept');
        for (const p of already) progress.step(p.name === 'ledger' ? 'Embedded ledger' : 'Chaincode server').done(`already up (pid ${p.pid}), ${p.endpoint}`);
        ledgerAddress = already.find((p) => p.name === 'ledger')?.endpoint ?? '';
      } else {
        // On native Fabric `up` itself resumes: each step keeps what already runs.
        ownsNetwork = already.length === 0;
        const up = await upLedgerNetwork(backend, { home: config.home, description, onStep: (name) => progress.step(name) }).catch((error: unknown) => {
          ownsNetwork = false; // up stops what it started when it fails
          throw error;
        });
        ledgerAddress = up.gatewayAddress;
      }
      components.push({ name: 'ledger', url: ledgerAddress, detail: `${backend}, channel ${description.channel}` });

      const dbStep = progress.step(config.databaseUrl ? 'Postgres (DATABASE_URL)' : 'Postgres (embedded)');
      database = await openGatewayDatabase(config, {
        logFile: join(logs, 'postgres.log'),
        onNotice: (message) => console.log(`\n      ${message}`),
        onSupervisorEvent: (event) => console.log(describeSupervisorEvent(event)),
      });
      dbStep.done(redactUrl(database.url));
      const address = new URL(database.url);
      components.push({
        name: 'postgres',
        url: redactUrl(database.url),
        address: { host: address.hostname, port: Number(address.port || 5432) },
        ...(database.embedded ? { dataDir: database.embedded.dataDir } : {}),
      });

      const gatewayStep = progress.step('Gateway');
      const ledgerClient = openLedgerClient({ description, crypto: loadNetworkCrypto(description, join(config.home, 'crypto')), address: ledgerGatewayAddress(backend, description, config.home) });
      ledger = fabricLedger({ client: ledgerClient, channel: description.channel, chaincode: description.chaincode.name, healthDepartment: description.departments[0]!.mspId });
      const services = gatewayServices(config, database.database, ledger, secrets);
      if (firstAdmin && !(await services.users.hasAdmin())) await services.users.bootstrapAdmin(firstAdmin, 'environment');
      gateway = await listen(services, { level: config.logLevel, stream: createWriteStream(join(logs, 'gateway.log'), { flags: 'a' }) });
      gatewayStep.done(gateway.url);
      components.push({ name: 'gateway', url: gateway.url, healthUrl: `${gateway.url}/healthz` });

      // The credit service's off-chain index follows the ledger's trail events into Postgres
      // (schema offchain), in this process, resuming from its checkpoint.
      const indexStep = progress.step('Credit service (off-chain index)');
      const { startOffchainIndex } = await import('@citytrust/credit-service');
      const indexLog = createWriteStream(join(logs, 'credit-service.log'), { flags: 'a' });
      index = await startOffchainIndex(database.embedded?.url ?? config.databaseUrl!, {
        network: ledgerClient.network(description.departments[0]!.mspId),
        chaincode: description.chaincode.name,
        onProgress: (p) => indexLog.write(`${JSON.stringify({ time: new Date().toISOString(), msg: 'indexed', blockNumber: Number(p.checkpoint.blockNumber), records: p.records, skipped: p.skipped })}\n`),
        onRetry: (error, delayMs) => indexLog.write(`${JSON.stringify({ time: new Date().toISOString(), level: 'warn', msg: 'reconnecting', error: error.message, delayMs })}\n`),
      });
      // A checkpoint with no transaction is one that has indexed nothing yet: the index reads the
      // ledger from its start, which is short when no block has carried a trail or credit event.
      const { blockNumber, transactionId } = index.resumedFrom;
      indexStep.done(transactionId === '' ? 'nothing indexed yet: reading the ledger from its first block' : `resuming at block ${blockNumber}, where it stopped`);

      writeStackState({ process: processIdentity(process.pid)!, startedAt: new Date().toISOString(), home: config.home, components });
      console.log([
        '',
        'CityTrust is running:',
        `  Ledger        ${ledgerAddress} (gRPC, TLS: Fabric Gateway and Deliver; channel ${description.channel})`,
        `  Gateway API   ${gateway.url}/api/v1`,
        `  API docs      ${gateway.url}/api/v1/docs`,
        `  Explorer      ${gateway.url}/explorer/`,
        `  Health        ${gateway.url}/healthz`,
        `  Database      ${redactUrl(database.url)} (off-chain index: schema offchain)`,
        `  Logs          ${logs}`,
        ...(await services.users.hasAdmin() ? [] : ['', 'No admin exists yet: create one with', '  npx citytrust admin bootstrap --username <name> --department <MSP id> --password-file <file>']),
        ...(await departmentsWithoutSealKey(services, description.departments.map((d) => d.mspId))).flatMap((mspId, i) => [
          ...(i === 0 ? ['', 'Departments without a seal key cannot seal records or documents yet; a department admin runs:'] : []),
          `  npx citytrust seal keygen --department ${mspId} && npx citytrust seal register --department ${mspId}`,
        ]),
        '',
        'Press Ctrl-C to stop.',
      ].join('\n'));
    } catch (error) {
      progress.failed();
      await stop().catch(() => undefined);
      throw error;
    }
    return new Promise<number>((resolve) => {
      const shutdown = (signal: string) => {
        console.log(`\n${signal}: stopping CityTrust...`);
        stop().then(() => { console.log(`stopped; state kept in ${config.home}`); resolve(0); }, (error: unknown) => {
          console.error(`stopping failed: ${error instanceof Error ? error.message : String(error)}`);
          resolve(1);
        });
      };
      process.once('SIGINT', () => shutdown('SIGINT'));
      process.once('SIGTERM', () => shutdown('SIGTERM'));
    });
  },
};

/** What the console says when the supervised Postgres dies or comes back. */
function describeSupervisorEvent(event: SupervisorEvent): string {
  const seconds = (ms: number) => `${ms / 1000} s`;
  switch (event.kind) {
    case 'exited':
      return `Postgres (pid ${event.pid}) ${event.how}; restarting it in ${seconds(event.restartInMs)} (meanwhile the gateway answers 503 database_unavailable)`;
    case 'restarted':
      return `Postgres restarted (pid ${event.pid}); the gateway reconnects by itself`;
    case 'restart-failed':
      return `Postgres could not be restarted: ${event.reason}\n  trying again in ${seconds(event.restartInMs)}`;
  }
}

/**
 * The first admin named by CITYTRUST_ADMIN_USERNAME / _PASSWORD / _DEPARTMENT, read once; the
 * password leaves the environment at once, so no child process inherits it.
 */
function takeFirstAdminFromEnvironment(): { username: string; password: string; department: string } | undefined {
  const { CITYTRUST_ADMIN_USERNAME: username, CITYTRUST_ADMIN_PASSWORD: password, CITYTRUST_ADMIN_DEPARTMENT: department } = process.env;
  delete process.env.CITYTRUST_ADMIN_PASSWORD;
  return username && password && department ? { username, password, department } : undefined;
}

/** The departments whose seal key is not active in the gateway's custody (so it cannot seal for them). */
async function departmentsWithoutSealKey(services: GatewayServices, departments: readonly string[]): Promise<string[]> {
  const missing: string[] = [];
  for (const department of departments) {
    const keys = await services.seals.listKeys(department).catch(() => []);
    if (!keys.some((key) => key.custody?.state === 'active')) missing.push(department);
  }
  return missing;
}
