import { parseArgs } from 'node:util';
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
  usage: 'usage: citytrust status [--json]\n\nExit code 0 when the stack is running and every running component is healthy, 1 otherwise.',
  async run(args) {
    const { values } = parseArgs({ args, options: { json: { type: 'boolean', default: false } }, strict: true });
    const { loadGatewayConfig } = await import('@citytrust/gateway');
    const { home } = loadGatewayConfig();
    const state = readStackState(home);
    const running = state !== undefined && isProcessAlive(state.pid);
    const components: ComponentReport[] = running ? await Promise.all(state.components.map(check)) : [];
    const report = { running, home, ...(running ? { pid: state.pid, startedAt: state.startedAt } : {}), components };
    if (values.json) {
      console.log(JSON.stringify(report));
    } else if (!running) {
      console.log(`CityTrust is not running (state in ${home}); start it with \`npm start\`.`);
    } else {
      console.log(`CityTrust is running (pid ${state.pid}, since ${state.startedAt}; state in ${home})`);
      for (const c of components) {
        console.log(`  ${c.name.padEnd(15)} ${label(c).padEnd(11)} ${c.url ?? ''}`);
        if (c.detail) console.log(`  ${''.padEnd(15)} ${c.detail}`);
      }
    }
    return running && components.every((c) => c.status !== 'running' || c.healthy) ? 0 : 1;
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
