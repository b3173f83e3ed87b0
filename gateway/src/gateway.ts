import type { AddressInfo } from 'node:net';
import type { FastifyServerOptions } from 'fastify';
import { join } from 'node:path';
import { newAccessTokenIssuer } from './auth/access-token';
import { newAuthenticator } from './auth/authenticator';
import { newCitizenChallenges } from './auth/citizen-challenge';
import { newOidcVerifier } from './auth/oidc';
import type { GatewayConfig } from './config';
import { openDatabase, type Database } from './database/database';
import { startEmbeddedPostgres, type EmbeddedPostgresServer } from './database/embedded-postgres';
import { newGatewayMetrics } from './http/metrics';
import { buildServer, type GatewayServer } from './http/server';
import type { GatewayServices } from './http/services';
import type { Ledger } from './ledger/ledger';
import { loadOrCreateSecret } from './secrets';
import { newSealKeyCustody } from './seals/seal-key-custody';
import { newSealService } from './seals/seal-service';
import { newSubjectKeyDeriver } from './subjects/subject-key';
import { demoDataSource } from './trails/demo-data-source';
import { newTrailService } from './trails/trail-service';
import { newUserStore } from './users/user-store';

/** Where the gateway's data lives: a Postgres URL, and the embedded server if we started one. */
export interface GatewayDatabase {
  readonly url: string;
  readonly database: Database;
  readonly embedded?: EmbeddedPostgresServer;
  /** Closes the pool and stops the embedded server if this process started it. */
  close(): Promise<void>;
}

/** Opens DATABASE_URL, or starts the embedded Postgres under CITYTRUST_HOME and opens that. */
export async function openGatewayDatabase(config: GatewayConfig, onLog?: (line: string) => void): Promise<GatewayDatabase> {
  const embedded = config.databaseUrl
    ? undefined
    : await startEmbeddedPostgres({
      dataDir: join(config.home, 'postgres'),
      port: config.embeddedPostgresPort,
      password: loadOrCreateSecret(config.home, 'postgres-password', undefined).toString('hex'),
      ...(onLog ? { onLog } : {}),
    });
  const url = config.databaseUrl ?? embedded!.url;
  const database = await openDatabase(url).catch(async (error: unknown) => {
    await embedded?.stop();
    throw new Error(`cannot open the gateway database at ${redactUrl(url)}: ${error instanceof Error ? error.message : String(error)}`);
  });
  return {
    url,
    database,
    ...(embedded ? { embedded } : {}),
    close: async () => {
      await database.close();
      if (embedded && !embedded.attached) await embedded.stop();
    },
  };
}

/** Everything the gateway runs on, wired together from configuration. */
export function gatewayServices(config: GatewayConfig, database: Database, ledger: Ledger): GatewayServices {
  const departments = new Set(config.departments.map((d) => d.mspId));
  const users = newUserStore(database, departments);
  const tokens = newAccessTokenIssuer(loadOrCreateSecret(config.home, 'token-signing', process.env.GATEWAY_TOKEN_KEY), config.tokenTtlSeconds);
  const subjectKeys = newSubjectKeyDeriver(loadOrCreateSecret(config.home, 'subject-key', process.env.GATEWAY_SUBJECT_KEY));
  const seals = newSealService({
    ledger,
    custody: newSealKeyCustody(database, loadOrCreateSecret(config.home, 'seal-key-encryption', process.env.GATEWAY_SEAL_KEY_ENCRYPTION_KEY)),
    queryDepartment: config.departments[0]!.mspId,
  });
  const oidc = config.oidc ? newOidcVerifier(config.oidc, departments) : undefined;
  return {
    config,
    database,
    users,
    tokens,
    authenticator: newAuthenticator(tokens, users, oidc),
    citizenChallenges: newCitizenChallenges(database, users),
    ledger,
    subjectKeys,
    seals,
    trails: newTrailService({
      ledger,
      seals,
      source: demoDataSource(database),
      // The big-data bureau runs the citizen service: it records citizens' consents and objections for them.
      platformDepartment: config.departments[0]!.mspId,
      officerPseudonym: (userId) => subjectKeys.officerPseudonym(userId),
    }),
    metrics: newGatewayMetrics(),
  };
}

export interface RunningGateway {
  readonly url: string;
  readonly server: GatewayServer;
  close(): Promise<void>;
}

/** Starts the HTTP API on the configured address; a port in use is a clear error, not a crash. */
export async function listen(services: GatewayServices, logger?: FastifyServerOptions['logger']): Promise<RunningGateway> {
  const server = await buildServer(services, logger);
  try {
    await server.listen({ host: services.config.host, port: services.config.port });
  } catch (error) {
    await server.close();
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new Error(`port ${services.config.port} on ${services.config.host} is already in use, so the gateway cannot listen there; stop whatever uses it or set GATEWAY_PORT`);
    }
    throw error;
  }
  const { port } = server.server.address() as AddressInfo;
  return { url: `http://${services.config.host}:${port}`, server, close: () => server.close() };
}

/** A database URL fit for logs and status output: the password replaced. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable database URL)';
  }
}
