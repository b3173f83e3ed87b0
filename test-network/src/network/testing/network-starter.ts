#!/usr/bin/env node
import { resolve } from 'node:path';
import { loadNetworkDescription } from '@citytrust/network-config';
import { upEmbeddedNetwork } from '../embedded-network';

/**
 * A process that brings the embedded network up as the product does, for tests of what happens
 * to the network when this process ends: `node network-starter.js <home> owned|outlives-caller`
 * (the description from CITYTRUST_NETWORK). It prints one JSON line, `{ "chaincode": pid,
 * "ledger": pid }`, once the network is up; then an owner stays until it is killed, as
 * `citytrust start` or a test does, and an `outlives-caller` starter exits, as `citytrust up` does.
 */
async function main(): Promise<void> {
  const [home, lifetime] = process.argv.slice(2);
  if (home === undefined || (lifetime !== 'owned' && lifetime !== 'outlives-caller')) {
    throw new Error('usage: network-starter.js <home> owned|outlives-caller');
  }
  const up = await upEmbeddedNetwork({ home: resolve(home), description: loadNetworkDescription(), outlivesCaller: lifetime === 'outlives-caller' });
  process.stdout.write(`${JSON.stringify(Object.fromEntries(up.processes.map((p) => [p.name, p.pid])))}\n`);
  if (lifetime === 'owned') setInterval(() => undefined, 60_000);
}

main().catch((error: unknown) => {
  process.stderr.write(`network-starter: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
