import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { processCommandLine } from '@citytrust/shared';

/** What `status` found when it asked Postgres itself. */
export interface PostgresProbe {
  readonly healthy: boolean;
  readonly detail: string;
}

/**
 * Asks the server at `host:port` to negotiate SSL, the first message of Postgres's protocol, which
 * every server answers with one byte ('S' or 'N') before any authentication. So the probe needs no
 * credentials, and yet only a live Postgres passes it: a port that is closed is refused, and a
 * server that is frozen or cut off by a partition accepts the connection but never answers.
 */
export function probePostgres(host: string, port: number, timeoutMs = 2_000): Promise<PostgresProbe> {
  const where = `${host}:${port}`;
  const started = Date.now();
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const finish = (result: PostgresProbe) => {
      socket.destroy();
      clearTimeout(timer);
      resolve(result);
    };
    const timer = setTimeout(() => finish({ healthy: false, detail: `did not answer within ${timeoutMs / 1000} s at ${where}` }), timeoutMs);
    socket.once('connect', () => socket.write(Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f])));
    socket.once('data', (reply) => finish(reply[0] === 0x53 || reply[0] === 0x4e
      ? { healthy: true, detail: `answered at ${where} in ${Date.now() - started} ms` }
      : { healthy: false, detail: `something at ${where} answered, but not as Postgres does` }));
    socket.once('error', (error: NodeJS.ErrnoException) => finish({
      healthy: false,
      detail: error.code === 'ECONNREFUSED' ? `connection refused (ECONNREFUSED) at ${where}: Postgres is not running` : `cannot reach ${where}: ${error.message}`,
    }));
    socket.once('end', () => finish({ healthy: false, detail: `${where} closed the connection without answering` }));
  });
}

/** The pid of the Postgres serving `dataDir`, if its postmaster.pid names a live postgres for that directory. */
export function embeddedPostmaster(dataDir: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    const argv = processCommandLine(pid);
    return argv !== undefined && /postgres$/.test(argv[0] ?? '') && argv.includes(dataDir) ? pid : undefined;
  } catch {
    return undefined;
  }
}
