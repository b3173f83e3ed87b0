import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { GatewayDatabase, RunningGateway, UserStore } from '@citytrust/gateway';
import type { Command } from '../command';
import { fabricNetworkUnavailable } from '../fabric-network-status';
import { newProgress } from '../progress';
import { isProcessAlive, readStackState, removeStackState, writeStackState, type ComponentState } from '../stack-state';

/**
 * `citytrust start`: brings the stack up in the foreground, one step at a time with progress,
 * prints the URLs, and stops everything cleanly on Ctrl-C. State lives under CITYTRUST_HOME,
 * so the next start resumes with the same data.
 */
export const startCommand: Command = {
  name: 'start',
  summary: 'Bring up the whole stack in the foreground (what `npm start` runs)',
  usage: [
    'usage: citytrust start',
    '',
    'Starts, in order: the Fabric network, Postgres (embedded under CITYTRUST_HOME unless',
    'DATABASE_URL is set) and the gateway; prints their URLs; stops them on Ctrl-C.',
    'Logs go to $CITYTRUST_HOME/logs/. A second run resumes from the saved state.',
    '',
    'environment: CITYTRUST_HOME, DATABASE_URL, GATEWAY_HOST, GATEWAY_PORT, CITYTRUST_POSTGRES_PORT,',
    '  CITYTRUST_ADMIN_USERNAME / CITYTRUST_ADMIN_PASSWORD / CITYTRUST_ADMIN_DEPARTMENT (first admin, on first start)',
  ].join('\n'),
  async run(args) {
    parseArgs({ args, options: {}, strict: true });
    const { disconnectedLedger, gatewayServices, listen, loadGatewayConfig, openGatewayDatabase, redactUrl } = await import('@citytrust/gateway');
    const config = loadGatewayConfig();
    const running = readStackState(config.home);
    if (running && running.pid !== process.pid && isProcessAlive(running.pid)) {
      throw new Error(`CityTrust is already running from ${config.home} (pid ${running.pid}, since ${running.startedAt}); ` +
        `see \`npx citytrust status\`, or stop it with Ctrl-C in its terminal or \`kill ${running.pid}\``);
    }
    const logs = join(config.home, 'logs');
    mkdirSync(logs, { recursive: true });
    console.log(`CityTrust: starting the stack (state in ${config.home})`);
    const progress = newProgress(3);
    const components: ComponentState[] = [];
    let database: GatewayDatabase | undefined;
    let gateway: RunningGateway | undefined;

    const stop = async () => {
      await gateway?.close();
      await database?.close();
      if (database?.embedded?.attached) await database.embedded.stop();
      removeStackState(config.home);
    };
    try {
      progress.step('Fabric network').unavailable(fabricNetworkUnavailable);
      components.push({ name: 'fabric-network', status: 'unavailable', detail: fabricNetworkUnavailable });

      const postgresLog = createWriteStream(join(logs, 'postgres.log'), { flags: 'a' });
      const dbStep = progress.step(config.databaseUrl ? 'Postgres (DATABASE_URL)' : 'Postgres (embedded)');
      database = await openGatewayDatabase(config, (line) => postgresLog.write(`${line}\n`));
      dbStep.done(redactUrl(database.url));
      components.push({ name: 'postgres', status: 'running', url: redactUrl(database.url) });

      const gatewayStep = progress.step('Gateway');
      const services = gatewayServices(config, database.database, disconnectedLedger(fabricNetworkUnavailable));
      await bootstrapAdminFromEnvironment(services.users);
      gateway = await listen(services, { level: config.logLevel, stream: createWriteStream(join(logs, 'gateway.log'), { flags: 'a' }) });
      gatewayStep.done(gateway.url);
      components.push({ name: 'gateway', status: 'running', url: gateway.url, healthUrl: `${gateway.url}/healthz` });

      writeStackState({ pid: process.pid, startedAt: new Date().toISOString(), home: config.home, components });
      console.log([
        '',
        'CityTrust is running:',
        `  Gateway API   ${gateway.url}/api/v1`,
        `  API docs      ${gateway.url}/api/v1/docs`,
        `  Health        ${gateway.url}/healthz`,
        `  Database      ${redactUrl(database.url)}`,
        `  Logs          ${logs}`,
        ...(await services.users.hasAdmin() ? [] : ['', 'No admin exists yet: create one with', '  npx citytrust admin bootstrap --username <name> --department <MSP id> --password-file <file>']),
        '',
        'Press Ctrl-C to stop.',
      ].join('\n'));
    } catch (error) {
      await stop().catch(() => undefined);
      throw error;
    }
    return new Promise<number>((resolve) => {
      const shutdown = (signal: string) => {
        console.log(`\n${signal}: stopping CityTrust...`);
        stop().then(() => { console.log('stopped; state kept in ' + config.home); resolve(0); }, (error: unknown) => {
          console.error(`stopping failed: ${error instanceof Error ? error.message : String(error)}`);
          resolve(1);
        });
      };
      process.once('SIGINT', () => shutdown('SIGINT'));
      process.once('SIGTERM', () => shutdown('SIGTERM'));
    });
  },
};

async function bootstrapAdminFromEnvironment(users: UserStore): Promise<void> {
  const { CITYTRUST_ADMIN_USERNAME: username, CITYTRUST_ADMIN_PASSWORD: password, CITYTRUST_ADMIN_DEPARTMENT: department } = process.env;
  if (!username || !password || !department || (await users.hasAdmin())) return;
  await users.bootstrapAdmin({ username, password, department }, 'environment');
}
