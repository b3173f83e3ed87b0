import type { Socket } from 'node:net';
import { Pool, type PoolClient } from 'pg';

/** The gateway's connection pool. */
export interface Database {
  readonly pool: Pool;
  /** Runs `work` in one transaction: committed if it resolves, rolled back if it throws. */
  transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T>;
  /** Whether a trivial query answers within the deadline, and if not, why not. */
  health(): Promise<DatabaseHealth>;
  close(): Promise<void>;
}

export interface DatabaseHealth {
  readonly reachable: boolean;
  /** What happened: "answered SELECT 1 in 2 ms", "connection refused (ECONNREFUSED) at 127.0.0.1:5432", "did not answer within 5 s". */
  readonly detail: string;
}

export interface DatabaseOptions {
  /**
   * The longest any one step may take: connecting, and each query. Past it the query fails
   * (the API answers 503 with Retry-After) and its connection is destroyed, since a server that
   * stopped answering may still hold it open (SIGSTOP, a network partition).
   */
  readonly timeoutMs: number;
}

/** Opens the gateway's pool. The schema is brought up to date beforehand by `migrateDatabase`. */
export function openDatabase(url: string, { timeoutMs }: DatabaseOptions): Database {
  const pool = new Pool({
    connectionString: url,
    max: 10,
    connectionTimeoutMillis: timeoutMs,
    // Client side: the query's promise rejects past the deadline, whatever the server does.
    query_timeout: timeoutMs,
    // Server side: a slow statement is cancelled, and a transaction left idle is ended.
    statement_timeout: timeoutMs,
    idle_in_transaction_session_timeout: timeoutMs * 2,
    // A peer that vanished without a FIN (a partition) is noticed on idle connections too.
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
  });
  // An idle client that loses its server emits 'error' on the pool; without a listener that
  // would crash the process. The next query reconnects, and /healthz reports the outage.
  pool.on('error', () => undefined);
  // A client released with an error leaves the pool, but pg only half-closes its socket, which a
  // hung server never answers: destroy it so that nothing waits on it.
  pool.on('release', (error: Error | undefined, client: PoolClient) => {
    if (error) (client as unknown as { connection?: { stream?: Socket } }).connection?.stream?.destroy();
  });
  const transaction = async <T>(work: (client: PoolClient) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    let failure: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      if (isConnectionFailure(error)) failure = error as Error;
      else await client.query('ROLLBACK').catch((rollbackError: unknown) => { failure = rollbackError as Error; });
      throw error;
    } finally {
      client.release(failure);
    }
  };
  return {
    pool,
    transaction,
    health: () => probe(pool, url, timeoutMs),
    close: () => pool.end(),
  };
}

/** A failure of the connection itself (as opposed to a query's error): the connection is not reused. */
export function isConnectionFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as NodeJS.ErrnoException).code;
  return (code !== undefined && connectionFailureCodes.has(code)) || /Query read timeout|Connection terminated|timeout exceeded when trying to connect/.test(error.message);
}

const connectionFailureCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08006']);

async function probe(pool: Pool, url: string, timeoutMs: number): Promise<DatabaseHealth> {
  const started = Date.now();
  try {
    await pool.query('SELECT 1');
    return { reachable: true, detail: `answered SELECT 1 in ${Date.now() - started} ms` };
  } catch (error) {
    return { reachable: false, detail: describeFailure(error, url, timeoutMs) };
  }
}

/** The real cause, in words an operator can act on. */
function describeFailure(error: unknown, url: string, timeoutMs: number): string {
  const where = address(url);
  const { code, message } = error as NodeJS.ErrnoException;
  if (code === 'ECONNREFUSED') return `connection refused (ECONNREFUSED) at ${where}: nothing listens there; is Postgres running?`;
  if (/Query read timeout|timeout exceeded when trying to connect|Connection terminated due to connection timeout/.test(message)) {
    return `did not answer within ${timeoutMs / 1000} s at ${where}`;
  }
  if (code === '57P03') return `at ${where} is starting up or shutting down (57P03)`;
  return `at ${where}: ${message}${code ? ` (${code})` : ''}`;
}

function address(url: string): string {
  try {
    const { hostname, port } = new URL(url);
    return `${hostname}:${port || '5432'}`;
  } catch {
    return '(unparseable database URL)';
  }
}
