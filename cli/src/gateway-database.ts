import type { GatewayConfig, GatewayDatabase } from '@citytrust/gateway';

/**
 * Runs `work` against the gateway's database: the running stack's embedded Postgres if there is
 * one, otherwise a short-lived one started for the command (or DATABASE_URL).
 */
export async function withGatewayDatabase<T>(work: (database: GatewayDatabase, config: GatewayConfig) => Promise<T>): Promise<T> {
  const { loadGatewayConfig, openGatewayDatabase } = await import('@citytrust/gateway');
  const config = loadGatewayConfig();
  const database = await openGatewayDatabase(config);
  try {
    return await work(database, config);
  } finally {
    await database.close();
  }
}
