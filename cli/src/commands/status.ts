import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { citytrustHome } from '@citytrust/shared';
import type { Command } from '../command';
import { embeddedPostmaster, probePostgres } from '../postgres-probe';
import { readRunningStack, type ComponentState } from '../stack-state';

/** A component as a live probe found it just now, not as `start` remembered it. */
interface ComponentReport extends ComponentState {
  readonly healthy: boolean;
  /** The gateway's /healthz body, when it answered. */
  readonly health?: unknown;
  /** The embedded Postgres's postmaster, when one serves its data directory. */
  readonly pid?: number;
}

/** `citytrust status`: every component with its URL and health; `--json` for machines. */
export const statusCommand: Command = {
  name: 'status',
  summary: 'Show every component with its URL and health (--json for one JSON object)',
  usage: 'usage: citytrust status [--json]\n\nEvery process (chaincode server, ledger; on native Fabric each orderer, peer and chaincode server) and component (Postgres, gateway) with its endpoint and a live health probe;\na process that died is named with the end of its log. Exit code 0 when what runs is healthy, 1 otherwise.',
  async run(args) {
    const { values } = parseArgs({ args, options: { json: { type: 'boolean', default: false } }, strict: true });
    const home = citytrustHome();
    const { ledgerNetworkStatus } = await import('@citytrust/test-network');
    const { loadNetworkCrypto, loadNetworkDescription } = await import('@citytrust/network-config');
    const description = loadNetworkDescription();
    const { backend, processes: network } = await ledgerNetworkStatus(home, description, existsSync(join(home, 'crypto')) ? loadNetworkCrypto(description, join(home, 'crypto')) : undefined);
    const nameWidth = Math.max(15, ...network.map((p) => p.name.length + 1));
    const state = readRunningStack(home);
    const running = state !== undefined;
    const components: ComponentReport[] = state ? await Promise.all(state.components.filter((c) => c.name !== 'ledger').map(check)) : [];
    const report = { running, home, ledger: backend, ...(state ? { pid: state.process.pid, startedAt: state.startedAt } : {}), network, components };
    if (values.json) {
      console.log(JSON.stringify(report));
    } else {
      const networkUp = network.some((p) => p.state !== 'not started');
      if (state) console.log(`CityTrust is running (pid ${state.process.pid}, since ${state.startedAt}; state in ${home})`);
      else if (networkUp) console.log(`The ledger network (${backend}) is up (\`citytrust up\`); the gateway is not running (\`npm start\` runs it). State in ${home}`);
      else console.log(`CityTrust is not running (state in ${home}); start it with \`npm start\`, or just the ledger with \`citytrust up\`.`);
      for (const p of network) {
        console.log(`  ${p.name.padEnd(nameWidth)} ${(p.state === 'running' ? (p.healthy ? 'healthy' : 'NO ANSWER') : p.state.toUpperCase()).padEnd(11)} ${p.endpoint ?? ''}${p.pid ? `  (pid ${p.pid})` : ''}`);
        console.log(`  ${''.padEnd(nameWidth)} ${p.detail}`);
        if (p.logTail) console.log(`  ${''.padEnd(nameWidth)} last lines of ${p.log}:\n${p.logTail.split('\n').map((line) => `      ${line}`).join('\n')}`);
      }
      for (const c of components) {
        console.log(`  ${c.name.padEnd(15)} ${label(c).padEnd(11)} ${c.url ?? ''}${c.pid ? `  (pid ${c.pid})` : ''}`);
        if (c.detail) console.log(`  ${''.padEnd(15)} ${c.detail}`);
      }
    }
    const networkHealthy = network.every((p) => p.state === 'not started' || p.healthy);
    return (running || network.some((p) => p.state !== 'not started')) && networkHealthy && components.every((c) => c.healthy) ? 0 : 1;
  },
};

function label(component: ComponentReport): string {
  if (component.healthy) return 'healthy';
  return component.name === 'gateway' && component.health !== undefined ? 'degraded' : 'NO ANSWER';
}

/** Probes a component: the gateway through its /healthz, Postgres through its own protocol. */
async function check(component: ComponentState): Promise<ComponentReport> {
  if (component.address) return checkPostgres(component);
  if (!component.healthUrl) return { ...component, healthy: false, detail: 'no way to probe it was recorded' };
  try {
    const response = await fetch(component.healthUrl, { signal: AbortSignal.timeout(5_000) });
    // A 503 body (a dependency down, e.g. the gateway's ledger) is kept in the report as it is,
    // and what is down is named.
    const health = await response.json() as { components?: Record<string, { reachable: boolean; detail: string }> };
    const down = Object.entries(health.components ?? {}).filter(([, c]) => !c.reachable).map(([name, c]) => `${name}: ${c.detail}`);
    return { ...component, healthy: response.status === 200, health, ...(down.length ? { detail: down.join('; ') } : {}) };
  } catch (error) {
    return { ...component, healthy: false, detail: `no answer from ${component.healthUrl}: ${error instanceof Error ? error.message : String(error)}` };
  }
}

async function checkPostgres(component: ComponentState): Promise<ComponentReport> {
  const { host, port } = component.address!;
  const probe = await probePostgres(host, port);
  if (!component.dataDir) return { ...component, healthy: probe.healthy, detail: probe.detail };
  const pid = embeddedPostmaster(component.dataDir);
  if (pid === undefined) return { ...component, healthy: false, detail: `no Postgres serves ${component.dataDir}; ${probe.detail}` };
  return { ...component, pid, healthy: probe.healthy, detail: probe.detail };
}
