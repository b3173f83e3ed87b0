import { join, resolve } from 'node:path';

/**
 * Where CityTrust keeps all its state (identities, blocks, database, secrets, logs, process
 * records): `CITYTRUST_HOME`, or `.citytrust/` at the repository's root. One definition, so the
 * CLI, the gateway and the ledger always agree on it.
 */
export function citytrustHome(env: Readonly<Record<string, string | undefined>> = process.env): string {
  return resolve(env.CITYTRUST_HOME || join(__dirname, '..', '..', '.citytrust'));
}
