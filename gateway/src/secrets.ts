import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { newSecret } from './config';

/**
 * Loads a gateway secret (a symmetric key) from the environment as hex, or from
 * `<home>/secrets/<name>.key`, creating that file with a fresh random key on first use.
 * Keys never appear in logs or API responses.
 */
export function loadOrCreateSecret(home: string, name: string, fromEnv: string | undefined): Buffer {
  if (fromEnv) {
    if (!/^[0-9a-fA-F]{64}$/.test(fromEnv)) {
      throw new Error(`the ${name} key from the environment must be 64 hex characters (32 bytes); generate one with \`openssl rand -hex 32\``);
    }
    return Buffer.from(fromEnv, 'hex');
  }
  const dir = join(home, 'secrets');
  const file = join(dir, `${name}.key`);
  try {
    return Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const key = newSecret();
  writeFileSync(file, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  return key;
}
