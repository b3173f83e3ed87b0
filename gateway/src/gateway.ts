import type { AddressInfo } from 'node:net';
import type { FastifyServerOptions } from 'fastify';
import { join } from 'node:path';
import { Pool } from 'pg';
import { migrateOffchainSchema, newCreditQueries } from '@citytrust/credit-service';
import { newAccessTokenIssuer } from './auth/access-token';
import { newAuthenticator } from './auth/authenticator';
import { newSubjectChallenges } from './auth/subject-challenge';
import { newOidcVerifier } from './auth/oidc';
import type { GatewayConfig } from './config';
import { newCreditCodeService } from './credit/credit-code-service';
import { newCreditGraph } from './credit/credit-graph';
import { newCreditService } from './credit/credit-service';
import { openDatabase, type Database } from './database/database';
import { startEmbeddedPostgres, type EmbeddedPostgresServer } from './database/embedded-postgres';
import { gatewayRole, grantGatewayRole } from './database/gateway-role';
import { migrateDatabase } from './database/migrate';
import { superviseEmbeddedPostgres, type SupervisorEvent } from './database/postgres-supervisor';
import { newGatewayMetrics } from './http/metrics';
import { buildServer, type GatewayServer } from './http/server';
import type { GatewayServices } from './http/services';
import type { Ledger } from './ledger/ledger';
import { loadGatewaySecrets, loadOrCreateSecret, type GatewaySecrets } from './secrets';
import { newSealKeyCustody } from './seals/seal-key-custody';
import { newSealService } from './seals/seal-service';
import { newSubjectKeyDeriver } from './subjects/subject-key';
import { licenseDataSource } from './licenses/license-data-source';
import { newLicenseService } from './licenses/license-service';
import { newLicenseStatusView } from './licenses/license-status-view';
import { newAccessView } from './trails/access-view';
import { demoDataSource } from './trails/demo-data-source';
import { newTrailIndex } from './trails/trail-index';
import { newAuditBundleBuilder } from './audit-bundles/audit-bundle-builder';
import { newTrailService } from './trails/trail-service';
import { newExplorerService } from './explorer/explorer-service';
import { newUserStore } from './users/user-store';

/** Where the gateway's data lives: a Postgres URL, and the embedded server if we started one. */
export interface GatewayDatabase {
  /** What the gateway's pool connects with (the least-privilege role on the embedded server). */
  readonly url: string;
  readonly database: Database;
  readonly embedded?: EmbeddedPostgresServer;
  /** Closes the pool and stops the embedded server if this process started it. */
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** The embedded server's log file (default `logs/postgres.log` under CITYTRUST_HOME). */
  readonly logFile?: string;
  /** Things to say on the console about the embedded server. */
  readonly onNotice?: (message: string) => void;
  /**
   * Given, the embedded server is supervised: restarted with a back-off when it dies, each event
   * reported here. Long-running owners (`citytrust start`) pass it; one-shot commands do not.
   */
  readonly onSupervisorEvent?: (event: SupervisorEvent) => void;
}

/**
 * Opens DATABASE_URL, or starts the embedded Postgres under CITYTRUST_HOME and opens that.
 * Migrations run first (the gateway's own, then the off-chain index's, which it reads), as
 * DATABASE_URL's role or the embedded superuser; on the embedded server
 * the gateway's pool then connects as the least-privilege role `citytrust_gateway` (see
 * `grantGatewayRole`). With DATABASE_URL the operator chooses the role.
 */
export async function openGatewayDatabase(config: GatewayConfig, options: OpenDatabaseOptions = {}): Promise<GatewayDatabase> {
  const timeoutMs = config.databaseTimeoutMs;
  const embedded = config.databaseUrl ? undefined : await startEmbedded(config, options);
  const adminUrl = config.databaseUrl ?? embedded!.url;
  let url = adminUrl;
  try {
    await migrateDatabase(adminUrl, timeoutMs);
    // The gateway reads the off-chain index, which the credit service's indexer writes and may
    // start after the gateway: whichever comes first creates the schema with the same migrations.
    await migrateOffchainIndex(adminUrl, timeoutMs);
    if (embedded) {
      const password = loadOrCreateSecret(config.home, 'gateway-database-password').toString('hex');
      await grantGatewayRole(adminUrl, password, timeoutMs);
      url = roleUrl(adminUrl, gatewayRole, password);
    }
  } catch (error) {
    await embedded?.stop();
    throw new Error(`cannot open the gateway database at ${redactUrl(adminUrl)}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const database = openDatabase(url, { timeoutMs });
  return {
    url,
    database,
    ...(embedded ? { embedded } : {}),
    close: async () => {
      await database.close();
      await embedded?.stop();
    },
  };
}

async function migrateOffchainIndex(url: string, timeoutMs: number): Promise<void> {
  const pool = new Pool({ connectionString: url, max: 1, connectionTimeoutMillis: timeoutMs });
  pool.on('error', () => undefined);
  try {
    await migrateOffchainSchema(pool);
  } finally {
    await pool.end();
  }
}

function startEmbedded(config: GatewayConfig, options: OpenDatabaseOptions): Promise<EmbeddedPostgresServer> {
  const serverOptions = {
    dataDir: join(config.home, 'postgres'),
    port: config.embeddedPostgresPort,
    password: loadOrCreateSecret(config.home, 'postgres-password').toString('hex'),
    ...(options.logFile ? { logFile: options.logFile } : {}),
    ...(options.onNotice ? { onNotice: options.onNotice } : {}),
  };
  return options.onSupervisorEvent ? superviseEmbeddedPostgres(serverOptions, options.onSupervisorEvent) : startEmbeddedPostgres(serverOptions);
}

function roleUrl(url: string, user: string, password: string): string {
  const parsed = new URL(url);
  parsed.username = user;
  parsed.password = password;
  return parsed.toString();
}

/**
 * Everything the gateway runs on, wired together from configuration. `secrets` are read once by
 * whoever starts the gateway (`loadGatewaySecrets`); by default they are read here.
 */
export function gatewayServices(config: GatewayConfig, database: Database, ledger: Ledger, secrets: GatewaySecrets = loadGatewaySecrets(config.home)): GatewayServices {
  const departments = new Set(config.departments.map((d) => d.mspId));
  const users = newUserStore(database, departments);
  const tokens = newAccessTokenIssuer(secrets.tokenSigningKey, config.tokenTtlSeconds);
  const subjectKeys = newSubjectKeyDeriver(secrets.subjectKey);
  // Public license verifications are answered from a view that follows the ledger's events; it
  // must hear at once of the key changes this gateway commits.
  const licenseView = newLicenseStatusView({ ledger, department: config.departments[0]!.mspId });
  const seals = newSealService({
    ledger,
    custody: newSealKeyCustody(database, secrets.sealKeyEncryptionKey),
    queryDepartment: config.departments[0]!.mspId,
    onKeysChanged: () => licenseView.forgetKeys(),
  });
  const oidc = config.oidc ? newOidcVerifier(config.oidc, departments) : undefined;
  // The big-data bureau runs the citizen service: it records citizens' consents, objections and
  // annotated copies for them, and answers public queries.
  const platformDepartment = config.departments[0]!.mspId;
  const officerPseudonym = (userId: string) => subjectKeys.officerPseudonym(userId);
  // Data exchanges take "allowed" from a view of the catalog and the authorizations in use,
  // and leave the ledger to check again when the access is recorded.
  const accessView = newAccessView({ ledger, department: platformDepartment });
  const trails = newTrailService({
    ledger,
    seals,
    view: accessView,
    // Holders' e-licenses are served from the ledger, every other item from the departments' sources.
    source: licenseDataSource(ledger, platformDepartment, demoDataSource(database)),
    platformDepartment,
    officerPseudonym,
  });
  // The citizen service raises credit objections and repair applications for subjects, as for trails.
  const credit = newCreditService({ ledger, seals, platformDepartment });
  const trailIndex = newTrailIndex(database.pool);
  const metrics = newGatewayMetrics();
  metrics.watchViews({ license: () => licenseView.status(), access: () => accessView.status() });
  return {
    config,
    database,
    users,
    tokens,
    authenticator: newAuthenticator(tokens, users, oidc),
    subjectChallenges: newSubjectChallenges(database, users),
    ledger,
    subjectKeys,
    seals,
    trails,
    licenses: newLicenseService({ ledger, seals, trails, platformDepartment, officerPseudonym, view: licenseView }),
    licenseView,
    accessView,
    trailIndex,
    // The gateway's department (the citizen service's) seals the auditors' exports.
    auditBundles: newAuditBundleBuilder({ trailIndex, ledger, seals, department: platformDepartment, maxTrails: config.auditBundleMaxTrails }),
    credit,
    creditCodes: newCreditCodeService({ credit, seals }),
    creditGraph: newCreditGraph({ queries: newCreditQueries(database.pool), subjectKeys }),
    explorer: newExplorerService(ledger),
    metrics,
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
