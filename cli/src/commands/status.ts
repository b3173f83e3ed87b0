import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { citytrustHome } from '@citytrust/shared';
import type { Command } from '../command';
import { isProcessAlive, readStackState, type ComponentState } from '../stack-state';

interface ComponentReport extends ComponentState {
  readonly healthy: boolean;
  readonly health?: unknown;
}

/** `citytrust status`: every component with its URL and health; `--json` for machines. */
export const statusCommand: Command = {
  name: 'status',
  summary: 'Show every component with its URL and health (--json for one JSON object)',
  usage: 'usage: citytrust status [--json]\n\nEvery process (chaincode server, ledger) and component (Postgres, gateway) with its endpoint and a live health probe;\na process that died is named with the end of its log. Exit code 0 when what runs is healthy, 1 otherwise.',
  async run(args) {
    const { values } = parseArgs({ args, options: { json: { type: 'boolean', default: false } }, strict: true });
    const home = citytrustHome();
    const { embeddedNetworkStatus } = await import('@citytrust/test-network');
    const { loadNetworkCrypto, loadNetworkDescription } = await import('@citytrust/network-config');
    const description = loadNetworkDescription();
    const network = await embeddedNetworkStatus(home, description, existsSync(join(home, 'crypto')) ? loadNetworkCrypto(description, join(home, 'crypto')) : undefined);
    const state = readStackState(home);
    const running = state !== undefined && isProcessAlive(state.pid);
    const components: ComponentReport[] = running ? await Promise.all(state.components.filter((c) => c.name !== 'ledger').map(check)) : [];
    const report = { running, home, ...(running ? { pid: state.pid, startedAt: state.startedAt } : {}), network, components };
    if (values.json) {
      console.log(JSON.stringify(report));
    } else {
      const networkUp = network.some((p) => p.state !== 'not started');
      if (running) console.log(`CityTrust is running (pid ${state.pid}, since ${state.startedAt}; state in ${home})`);
      else if (networkUp) console.log(`The ledger network is up (\`citytrust up\`); the gateway is not running (\`npm start\` runs it). State in ${home}`);
      else console.log(`CityTrust is not running (state in ${home}); start it with \`npm start\`, or just the ledger with \`citytrust up\`.`);
      for (const p of network) {
        console.log(`  ${p.name.padEnd(15)} ${(p.state === 'running' ? (p.healthy ? 'healthy' : 'NO ANSWER') : p.state.toUpperCase()).padEnd(11)} ${p.endpoint ?? ''}${p.pid ? `  (pid ${p.pid})` : ''}`);
        console.log(`  ${''.padEnd(15)} ${p.detail}`);
        if (p.logTail) console.log(`  ${''.padEnd(15)} last lines of ${p.log}:\n${p.logTail.split('\n').map((line) => `      ${line}`).join('\n')}`);
      }
      for (const c of components) {
        console.log(`  ${c.name.padEnd(15)} ${label(c).padEnd(11)} ${c.url ?? ''}`);
        if (c.detail) console.log(`  ${''.padEnd(15)} ${c.detail}`);
      }
    }
    const networkHealthy = network.every((p) => p.state === 'not started' || p.healthy);
    return (running || network.some((p) => p.state !== 'not started')) && networkHealthy && components.every((c) => c.status !== 'running' || c.healthy) ? 0 : 1;
  },
};

function label(component: ComponentReport): string {
  if (component.status !== 'running') return component.status;
  if (component.healthy) return 'healthy';
  return component.health === undefined ? 'NO ANSWER' : 'degraded';
}

/**
 * A component with a health URL is healthy when it answers 200; a 503 body (a dependency down,
 * e.g. the gateway's ledger) is kept in the report as it is.
 */
async function check(component: ComponentState): Promise<ComponentReport> {
  if (!component.healthUrl) return { ...component, healthy: component.status === 'running' };
  try {
    const response = await fetch(component.healthUrl, { signal: AbortSignal.timeout(5_000) });
    return { ...component, healthy: response.status === 200, health: await response.json() };
  } catch (error) {
    return { ...component, healthy: false, detail: `no answer from ${component.healthUrl}: ${error instanceof Error ? error.message : String(error)}` };
  }
}
