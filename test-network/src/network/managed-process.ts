import { spawn } from 'node:child_process';
import { closeSync, fstatSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { dirname, join } from 'node:path';
import { isSameProcess, ownedChildEnvironment, ownerPidVariable, processIdentity } from '@citytrust/shared';

/**
 * A background process of the network (the ledger, the chaincode server), detached from the
 * terminal of the command that started it: its record (pid, endpoint, log file) is kept under
 * `CITYTRUST_HOME/run/<name>.json`, which is how `down` and `status` find it again. Whether it
 * also outlives that command is its {@link Lifetime}.
 */
export interface ProcessRecord {
  readonly name: string;
  readonly pid: number;
  readonly startedAt: string;
  readonly endpoint: string;
  readonly log: string;
  /** The log's size when the process started: its own output begins at this byte. */
  readonly logStart: number;
  readonly command: readonly string[];
  /** The process's start time (see `processIdentity`), so that a reused pid is never signalled. */
  readonly startTime?: string;
}

export function recordPath(home: string, name: string): string {
  return join(home, 'run', `${name}.json`);
}

export function readProcessRecord(home: string, name: string): ProcessRecord | undefined {
  try {
    return JSON.parse(readFileSync(recordPath(home, name), 'utf8')) as ProcessRecord;
  } catch {
    return undefined;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A killed process whose parent has not reaped it yet (a zombie) still answers signal 0.
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

/**
 * `owned`: the process belongs to the one spawning it (`citytrust start`, a test, a benchmark) and
 * exits when that one dies, even by SIGKILL; it must follow `CITYTRUST_OWNER_PID` (`followOwner`
 * in `@citytrust/shared`), as the ledger and the chaincode server do. `outlives-spawner`: it runs
 * until stopped by its record, as the network `citytrust up` starts for `citytrust down` to stop.
 */
export type Lifetime = 'owned' | 'outlives-spawner';

export interface SpawnOptions {
  readonly home: string;
  readonly name: string;
  readonly endpoint: string;
  readonly command: readonly [string, ...string[]];
  readonly env: NodeJS.ProcessEnv;
  readonly lifetime: Lifetime;
}

/** Starts a detached process with stdout and stderr appended to `logs/<name>.log`, and records it. */
export function spawnManaged(options: SpawnOptions): ProcessRecord {
  const log = join(options.home, 'logs', `${options.name}.log`);
  mkdirSync(dirname(log), { recursive: true });
  const fd = openSync(log, 'a');
  try {
    const logStart = fstatSync(fd).size;
    const [executable, ...args] = options.command;
    const child = spawn(executable, args, { detached: true, stdio: ['ignore', fd, fd], env: lifetimeEnvironment(options.env, options.lifetime) });
    child.unref();
    if (child.pid === undefined) throw new Error(`could not start ${options.name} (${options.command.join(' ')})`);
    const startTime = processIdentity(child.pid)?.startTime;
    const record: ProcessRecord = { name: options.name, pid: child.pid, startedAt: new Date().toISOString(), endpoint: options.endpoint, log, logStart, command: options.command, ...(startTime ? { startTime } : {}) };
    const path = recordPath(options.home, options.name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(`${path}.tmp`, `${JSON.stringify(record, null, 2)}\n`);
    renameSync(`${path}.tmp`, path);
    return record;
  } finally {
    closeSync(fd);
  }
}

/** The environment with this process named as the owner, or with no owner (not even one inherited). */
function lifetimeEnvironment(env: NodeJS.ProcessEnv, lifetime: Lifetime): NodeJS.ProcessEnv {
  const { [ownerPidVariable]: _inherited, ...rest } = env;
  return lifetime === 'owned' ? { ...rest, ...ownedChildEnvironment() } : rest;
}

/**
 * SIGTERM, then SIGKILL after `graceMs`; resolves with how it ended. Removes the record. Only the
 * recorded process itself is signalled: a pid now held by another process (same pid, another
 * start time) counts as not running.
 */
export async function stopManaged(home: string, record: ProcessRecord, graceMs = 10_000): Promise<'stopped' | 'killed' | 'not running'> {
  let outcome: 'stopped' | 'killed' | 'not running' = 'not running';
  const running = () => (record.startTime === undefined ? isAlive(record.pid) : isSameProcess({ pid: record.pid, startTime: record.startTime }));
  if (running()) {
    outcome = 'stopped';
    signal(record.pid, 'SIGTERM');
    const deadline = Date.now() + graceMs;
    while (running() && Date.now() < deadline) await sleep(50);
    if (running()) {
      signal(record.pid, 'SIGKILL');
      outcome = 'killed';
      while (running()) await sleep(20);
    }
  }
  rmSync(recordPath(home, record.name), { force: true });
  return outcome;
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone.
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Whether something accepts TCP connections on 127.0.0.1:`port` (within a second). */
export function portAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.setTimeout(1_000, () => {
      socket.destroy();
      resolve(false);
    });
  });
}
