import { readFileSync } from 'node:fs';
import { UsageError } from './command';

/** Where an OpenPGP private key's passphrase may come from when none is given in a file. */
export const PGP_PASSPHRASE_VARIABLE = 'CITYTRUST_PGP_PASSPHRASE';

/**
 * The passphrase of an OpenPGP private key, without a prompt (scripts and CI run verify): from a
 * file (`--pgp-passphrase-file`, first line) or the environment, never the command line, where
 * other users of the machine can see it. Undefined when neither is given: the key may have none.
 */
export function readPgpPassphrase(file: string | undefined): string | undefined {
  if (file !== undefined && process.env[PGP_PASSPHRASE_VARIABLE] !== undefined) throw new UsageError(`give --pgp-passphrase-file or ${PGP_PASSPHRASE_VARIABLE}, not both`);
  if (file !== undefined) return readFileSync(file, 'utf8').split(/\r?\n/)[0] ?? '';
  return process.env[PGP_PASSPHRASE_VARIABLE];
}
