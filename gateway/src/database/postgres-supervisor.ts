import { startEmbeddedPostgres, type EmbeddedPostgresOptions, type EmbeddedPostgresServer } from './embedded-postgres';

/** What the supervisor saw and did, for its owner to say on the console. */
export type SupervisorEvent =
  | { readonly kind: 'exited'; readonly pid: number; readonly how: string; readonly restartInMs: number }
  | { readonly kind: 'restarted'; readonly pid: number }
  | { readonly kind: 'restart-failed'; readonly reason: string; readonly restartInMs: number };

/** How long to wait before each restart: doubling from `initialMs` to `maxMs`, back to `initialMs` once a server stayed up `stableMs`. */
export interface Backoff {
  readonly initialMs: number;
  readonly maxMs: number;
  readonly stableMs: number;
}

export const defaultBackoff: Backoff = { initialMs: 500, maxMs: 30_000, stableMs: 60_000 };

/**
 * Starts the embedded Postgres and keeps it running: when the server this process started dies,
 * `report` is told, and it is started again after a back-off that doubles while restarts keep
 * failing or the server keeps dying young. Its URL does not change, so the gateway's pool
 * reconnects by itself (answering 503 meanwhile). A server joined from another live process
 * (`attached`) is that process's to supervise and is returned as it is.
 *
 * The result is the server as its owner sees it: `pid` is the current postmaster's, and `stop()`
 * ends the supervision and then the server.
 */
export async function superviseEmbeddedPostgres(options: EmbeddedPostgresOptions, report: (event: SupervisorEvent) => void, backoff: Backoff = defaultBackoff): Promise<EmbeddedPostgresServer> {
  let current = await startEmbeddedPostgres(options);
  if (current.attached) return current;
  let stopping = false;
  let delay = backoff.initialMs;
  let upSince = Date.now();
  let wake: (() => void) | undefined;
  let restarting: Promise<void> | undefined;
  const pause = (ms: number) => new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    wake = () => { clearTimeout(timer); resolve(); };
  });

  const watch = async (server: EmbeddedPostgresServer): Promise<void> => {
    const how = await server.exited!;
    if (stopping) return;
    if (Date.now() - upSince >= backoff.stableMs) delay = backoff.initialMs;
    report({ kind: 'exited', pid: server.pid, how, restartInMs: delay });
    for (;;) {
      await pause(delay);
      if (stopping) return;
      delay = Math.min(delay * 2, backoff.maxMs);
      restarting = startEmbeddedPostgres(options).then((server) => { current = server; });
      try {
        await restarting;
      } catch (error) {
        report({ kind: 'restart-failed', reason: error instanceof Error ? error.message : String(error), restartInMs: delay });
        continue;
      }
      if (stopping) return; // stop() waited for this restart and stops what it started
      upSince = Date.now();
      report({ kind: 'restarted', pid: current.pid });
      void watch(current);
      return;
    }
  };
  void watch(current);

  return {
    url: current.url,
    dataDir: current.dataDir,
    port: current.port,
    get pid() { return current.pid; },
    attached: false,
    get exited() { return current.exited; },
    stop: async () => {
      stopping = true;
      wake?.();
      await restarting?.catch(() => undefined);
      await current.stop();
    },
  };
}
