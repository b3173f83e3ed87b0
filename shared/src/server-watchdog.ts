import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ownedChildEnvironment } from './owner-process';
import { isSameProcess, type ProcessIdentity } from './process-identity';

/**
 * A server that is not a Node program, such as the embedded Postgres, cannot follow its owner
 * itself (`followOwner`): it knows nothing of CITYTRUST_OWNER_PID, and Node cannot ask the kernel
 * to signal a child when its parent dies. So the owner starts a watchdog beside it: a small Node
 * process that follows the owner and, when the owner dies, stops the server as its owner would
 * have (`stopSignal`, then `forceSignal` after `graceMs`). It exits by itself when the server
 * does, so a server stopped or restarted normally leaves no watchdog behind.
 */
export interface ServerWatchdogOptions {
  /** The server, by pid and start time: a pid reused by another program is never signalled. */
  readonly server: ProcessIdentity;
  /** What the watchdog calls the server in its log lines, e.g. "the embedded Postgres". */
  readonly name: string;
  /** The signal for a clean stop, e.g. SIGINT for Postgres's fast shutdown. */
  readonly stopSignal: NodeJS.Signals;
  /** The signal when the clean stop takes longer than `graceMs`, e.g. SIGQUIT for Postgres's immediate shutdown. */
  readonly forceSignal: NodeJS.Signals;
  readonly graceMs: number;
  /** A file descriptor the watchdog writes its few lines to (the server's log); ignored when absent. */
  readonly logFd?: number;
}

export interface ServerWatchdog {
  readonly pid: number;
  /** Ends the watchdog (the owner stops the server itself); the server is not signalled. */
  stop(): void;
}

/** Starts a watchdog owned by this process for `options.server`. */
export function startServerWatchdog(options: ServerWatchdogOptions): ServerWatchdog {
  const output = options.logFd ?? 'ignore';
  const child = spawn(process.execPath, [join(__dirname, 'server-watchdog-main.js')], {
    detached: true, // a Ctrl-C in the owner's terminal is for the owner, which stops the server itself
    stdio: ['ignore', output, output],
    // Only what it needs: never the owner's secrets.
    env: { ...ownedChildEnvironment(), CITYTRUST_WATCHDOG: JSON.stringify(watchdogSettings(options)) },
  });
  child.unref();
  if (child.pid === undefined) throw new Error(`could not start the watchdog of ${options.name} (${process.execPath})`);
  const pid = child.pid;
  return {
    pid,
    stop: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    },
  };
}

/** What the watchdog process reads from CITYTRUST_WATCHDOG. */
export interface WatchdogSettings {
  readonly server: ProcessIdentity;
  readonly name: string;
  readonly stopSignal: NodeJS.Signals;
  readonly forceSignal: NodeJS.Signals;
  readonly graceMs: number;
}

function watchdogSettings(options: ServerWatchdogOptions): WatchdogSettings {
  const { server, name, stopSignal, forceSignal, graceMs } = options;
  return { server, name, stopSignal, forceSignal, graceMs };
}

/** Stops `settings.server` as its owner would have; resolves with what happened, for the log. */
export async function stopWatchedServer(settings: WatchdogSettings): Promise<string> {
  const { server } = settings;
  if (!signalSame(server, settings.stopSignal)) return 'had already exited';
  for (const deadline = Date.now() + settings.graceMs; Date.now() < deadline; await sleep(100)) {
    if (!isSameProcess(server)) return `stopped with ${settings.stopSignal}`;
  }
  signalSame(server, settings.forceSignal);
  for (const deadline = Date.now() + settings.graceMs; Date.now() < deadline; await sleep(100)) {
    if (!isSameProcess(server)) return `stopped with ${settings.forceSignal} after ${settings.graceMs} ms`;
  }
  return `still running after ${settings.forceSignal}: stop pid ${server.pid} by hand`;
}

function signalSame(server: ProcessIdentity, signal: NodeJS.Signals): boolean {
  if (!isSameProcess(server)) return false;
  try {
    process.kill(server.pid, signal);
    return true;
  } catch {
    return false;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
