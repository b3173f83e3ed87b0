import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { citytrustHome } from '@citytrust/shared';

type Env = Readonly<Record<string, string | undefined>>;

/** What the credit service runs with, read once from the environment. */
export interface CreditServiceConfig {
  readonly home: string;
  /** DATABASE_URL, or the stack's embedded Postgres (the gateway's) under CITYTRUST_HOME. */
  readonly databaseUrl: string;
  /** The department whose client identity reads the ledger's events (any department may). */
  readonly department?: string;
}

/**
 * DATABASE_URL when set; otherwise the embedded Postgres that `npm start` runs for the gateway
 * (the index lives beside the gateway's tables, in its own schema `offchain`): loopback on
 * CITYTRUST_POSTGRES_PORT (default 55432), with the password the gateway generated under
 * `<home>/secrets/`. The credit service joins that server; it does not start one.
 */
export function loadCreditServiceConfig(env: Env = process.env): CreditServiceConfig {
  const home = citytrustHome(env);
  const department = env.CREDIT_SERVICE_DEPARTMENT || undefined;
  if (env.DATABASE_URL) return { home, databaseUrl: env.DATABASE_URL, ...(department ? { department } : {}) };
  const port = env.CITYTRUST_POSTGRES_PORT || '55432';
  const secret = join(home, 'secrets', 'postgres-password.key');
  let password: string;
  try {
    password = readFileSync(secret, 'utf8').trim();
  } catch {
    throw new Error(`no DATABASE_URL, and no embedded Postgres was ever started from ${home} (${secret} is missing): start the stack with \`npm start\`, or set DATABASE_URL`);
  }
  return { home, databaseUrl: `postgres://postgres:${password}@127.0.0.1:${port}/citytrust`, ...(department ? { department } : {}) };
}
