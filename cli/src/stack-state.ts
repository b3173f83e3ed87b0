import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isSameProcess, type ProcessIdentity } from '@citytrust/shared';

/**
 * What a running `citytrust start` publishes about itself under CITYTRUST_HOME, so that
 * `citytrust status` (and a second `start`) can find it.
 */
export interface StackState {
  /** The `citytrust start` process, by pid and start time: a pid alone may since name another process. */
  readonly process: ProcessIdentity;
  readonly startedAt: string;
  readonly home: string;
  readonly components: readonly ComponentState[];
}

/** A component as `start` brought it up; `status` probes each one for its current state. */
export interface ComponentState {
  readonly name: 'ledger' | 'postgres' | 'gateway';
  readonly url?: string;
  /** Where its health is checked, for components that have an HTTP health endpoint. */
  readonly healthUrl?: string;
  /** Where Postgres listens, probed at the protocol level (no credentials needed). */
  readonly address?: { readonly host: string; readonly port: number };
  /** The embedded Postgres's data directory, whose postmaster.pid names its server. */
  readonly dataDir?: string;
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

/** The published state of a `citytrust start` that is still running, or undefined. */
export function readRunningStack(home: string): StackState | undefined {
  let state: StackState;
  try {
    state = JSON.parse(readFileSync(stackStatePath(home), 'utf8')) as StackState;
  } catch {
    return undefined;
  }
  return state.process !== undefined && isSameProcess(state.process) ? state : undefined;
}

export function removeStackState(home: string): void {
  rmSync(stackStatePath(home), { force: true });
}
