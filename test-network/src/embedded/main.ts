#!/usr/bin/env node
import { resolve } from 'node:path';
import { loadNetworkDescription } from '@citytrust/network-config';
import { followOwner } from '@citytrust/shared';
import { startEmbeddedLedger } from './embedded-ledger';

/**
 * The embedded ledger as a process (what `citytrust up` starts in the background): reads the
 * network description (CITYTRUST_NETWORK, default the packaged one) and CITYTRUST_HOME, logs one
 * JSON object per line on stdout, and shuts down cleanly on SIGTERM or SIGINT, committing what
 * is already ordered; likewise when the process that owns it (CITYTRUST_OWNER_PID) dies.
 */
async function main(): Promise<void> {
  const home = resolve(process.env.CITYTRUST_HOME ?? '.citytrust');
  const log = (event: string, fields: Record<string, unknown> = {}) => {
    process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), event, ...fields })}\n`);
  };
  const description = loadNetworkDescription();
  const ledger = await startEmbeddedLedger({ description, home, log });
  let stopping = false;
  let following: { stop(): void } | undefined;
  /** Why it stops, for the log: `{ signal }` or `{ ownerGone }` (the dead owner's pid). */
  const stop = (why: { signal: NodeJS.Signals } | { ownerGone: number }) => {
    if (stopping) return;
    stopping = true;
    following?.stop();
    log('stopping', why);
    ledger.close().then(() => {
      log('stopped');
      process.exit(0);
    }, (error: unknown) => {
      log('stop failed', { error: error instanceof Error ? error.message : String(error) });
      process.exit(1);
    });
  };
  process.on('SIGTERM', (signal) => stop({ signal }));
  process.on('SIGINT', (signal) => stop({ signal }));
  // Only once the ledger can be closed; an owner that died while it started is found at once.
  following = followOwner((ownerGone) => stop({ ownerGone }));
}

main().catch((error: unknown) => {
  process.stderr.write(`citytrust ledger: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
