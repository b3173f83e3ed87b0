import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { newSecret } from './config';

/** The gateway's symmetric keys, read once when it starts. */
export interface GatewaySecrets {
  /** Signs and checks access tokens (HMAC-SM3). */
  readonly tokenSigningKey: Buffer;
  /** Derives citizens' pseudonymous subject keys from identity numbers (HMAC-SM3). */
  readonly subjectKey: Buffer;
  /** Encrypts departments' seal private keys at rest (the SM4 field envelope's key). */
  readonly sealKeyEncryptionKey: Buffer;
}

/** Thrown for a key that is unusable or unsafely kept; the message says how to fix it. */
export class SecretError extends Error {
  override readonly name = 'SecretError';
}

const keyBytes = 32;

/**
 * Reads the gateway's keys once: from GATEWAY_TOKEN_KEY, GATEWAY_SUBJECT_KEY and
 * GATEWAY_SEAL_KEY_ENCRYPTION_KEY, or from
 * `<home>/secrets/`, created on first use. The variables are then deleted from `env`, so
 * that no child process (Postgres, the ledger, the chaincode server) and no later code can read
 * them from this process's environment.
 */
export function loadGatewaySecrets(home: string, env: NodeJS.ProcessEnv = process.env): GatewaySecrets {
  const fromEnv = { token: env.GATEWAY_TOKEN_KEY, subject: env.GATEWAY_SUBJECT_KEY, seal: env.GATEWAY_SEAL_KEY_ENCRYPTION_KEY };
  delete env.GATEWAY_TOKEN_KEY;
  delete env.GATEWAY_SUBJECT_KEY;
  delete env.GATEWAY_SEAL_KEY_ENCRYPTION_KEY;
  return {
    tokenSigningKey: loadOrCreateSecret(home, 'token-signing', fromEnv.token, 'GATEWAY_TOKEN_KEY'),
    subjectKey: loadOrCreateSecret(home, 'subject-key', fromEnv.subject, 'GATEWAY_SUBJECT_KEY'),
    sealKeyEncryptionKey: loadOrCreateSecret(home, 'seal-key-encryption', fromEnv.seal, 'GATEWAY_SEAL_KEY_ENCRYPTION_KEY'),
  };
}

/**
 * Loads a 32-byte key given as 64 hex characters, from the environment or from
 * `<home>/secrets/<name>.key`, creating that file (mode 600) with a fresh random key on first
 * use. Both sources get the same checks: a key of any other length or alphabet is refused (an
 * empty or truncated file would otherwise make a short HMAC key anyone could guess), and so is a
 * file that group or others may read. Keys never appear in logs or API responses.
 */
export function loadOrCreateSecret(home: string, name: string, fromEnv?: string, variable?: string): Buffer {
  if (fromEnv !== undefined && fromEnv !== '') {
    return parseKey(fromEnv, `${variable ?? `the ${name} key`} from the environment`);
  }
  const dir = join(home, 'secrets');
  const file = join(dir, `${name}.key`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    // The home first, with the usual mode: a recursive mkdir would make every missing parent
    // 700 too, and the embedded Postgres (run as 'postgres' when we are root) must enter the home.
    mkdirSync(home, { recursive: true });
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const key = newSecret(keyBytes);
    writeFileSync(file, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
    return key;
  }
  const mode = statSync(file).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new SecretError(`${file} may be read by other users (mode ${mode.toString(8).padStart(3, '0')}); ` +
      `make it private with \`chmod 600 ${file}\` and start again`);
  }
  return parseKey(text.replace(/\r?\n$/, ''), file);
}

function parseKey(text: string, source: string): Buffer {
  if (!new RegExp(`^[0-9a-fA-F]{${keyBytes * 2}}$`).test(text)) {
    const what = text.length === 0 ? 'is empty' : /^[0-9a-fA-F]*$/.test(text) ? `has ${text.length} hex characters` : 'is not hex';
    throw new SecretError(`${source} ${what}: a key must be exactly ${keyBytes * 2} hex characters (${keyBytes} bytes); ` +
      'generate one with `openssl rand -hex 32`');
  }
  return Buffer.from(text, 'hex');
}
