import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * What a running `citytrust start` publishes about itself under CITYTRUST_HOME, so that
 * `citytrust status` (and a second `start`) can find it.
 */
export interface StackState {
  readonly pid: number;
  readonly startedAt: string;
  readonly home: string;
  readonly components: readonly ComponentState[];
}

export interface ComponentState {
  readonly name: 'ledger' | 'postgres' | 'gateway';
  readonly status: 'running' | 'unavailable';
  readonly url?: string;
  /** Where its health is checked, for components that have an HTTP health endpoint. */
  readonly healthUrl?: string;
  readonly detail?: string;
}

export function stackStatePath(home: string): string {
  return join(home, 'run', 'stack.json');
}

export function writeStackState(state: StackState): void {
  const path = stackStatePath(state.home);
  mkdirSync(dirname(path), { recursive: true });
  // Write then rename, so a reader never sees half a file.
  writeFileSync(`${path}.tmp`, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
}

export function readStackState(home: string): StackState | undefined {
  try {
    return JSON.parse(readFileSync(stackStatePath(home), 'utf8')) as StackState;
  } catch {
    return undefined;
  }
}

export function removeStackState(home: string): void {
  rmSync(stackStatePath(home), { force: true });
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
