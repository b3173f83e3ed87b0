#!/usr/bin/env node
import { resolve } from 'node:path';
import { loadNetworkDescription } from '@citytrust/network-config';
import { startEmbeddedLedger } from './embedded-ledger';

/**
 * The embedded ledger as a process (what `citytrust up` starts in the background): reads the
 * network description (CITYTRUST_NETWORK, default the packaged one) and CITYTRUST_HOME, logs one
 * JSON object per line on stdout, and shuts down cleanly on SIGTERM or SIGINT, committing what
 * is already ordered.
 */
async function main(): Promise<void> {
  const home = resolve(process.env.CITYTRUST_HOME ?? '.citytrust');
  const log = (event: string, fields: Record<string, unknown> = {}) => {
    process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), event, ...fields })}\n`);
  };
  const description = loadNetworkDescription();
  const ledger = await startEmbeddedLedger({ description, home, log });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log('stopping', { signal });
    ledger.close().then(() => {
      log('stopped');
      process.exit(0);
    }, (error: unknown) => {
      log('stop failed', { error: error instanceof Error ? error.message : String(error) });
      process.exit(1);
    });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`citytrust ledger: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
