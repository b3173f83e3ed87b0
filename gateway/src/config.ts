import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { dirname, join } from 'node:path';
import { citytrustHome, defaultDepartments, type Department } from '@citytrust/shared';
import { MAX_AUDIT_BUNDLE_TRAILS } from './audit-bundles/audit-bundle';

/**
 * Everything the gateway can be configured with, read once from the environment. Every value
 * has a default that works on a developer's machine, so `npm start` needs no setup.
 */
export interface GatewayConfig {
  /** Where CityTrust keeps its state (database files, secrets, logs). */
  readonly home: string;
  readonly host: string;
  readonly port: number;
  /** A Postgres URL; when unset the gateway starts an embedded Postgres under `home`. */
  readonly databaseUrl?: string;
  readonly embeddedPostgresPort: number;
  /** The longest the gateway waits on its database for a connection or a query; past it, 503. */
  readonly databaseTimeoutMs: number;
  /** Lifetime of the access tokens the gateway issues. */
  readonly tokenTtlSeconds: number;
  /** Largest request body accepted, in bytes. */
  readonly bodyLimitBytes: number;
  /** Requests one user (or, before login, one address) may make per `rateLimitWindowMs`. */
  readonly rateLimitMax: number;
  readonly rateLimitWindowMs: number;
  readonly departments: readonly Department[];
  /** The most trails one audit bundle holds (at most `MAX_AUDIT_BUNDLE_TRAILS`); a search matching more is refused. */
  readonly auditBundleMaxTrails: number;
  /** Request budgets and login-guessing limits (issue 15, item 4): see `RequestLimitsConfig`. */
  readonly limits: RequestLimitsConfig;
  /** The city's unified identity platform (OIDC), when bearer tokens from it are accepted. */
  readonly oidc?: OidcConfig;
  readonly logLevel: string;
  /**
   * The explorer's built files (`explorer-ui/dist/web`), served under /explorer/; undefined when
   * the explorer is not built, and /explorer/ says so.
   */
  readonly explorerDir: string | undefined;
}

/**
 * What protects the gateway from floods and password guessing, beside `rateLimitMax` per
 * `rateLimitWindowMs` (each user, or each client address before login).
 */
export interface RequestLimitsConfig {
  /**
   * Requests each client address may make to /healthz and /metrics per `rateLimitWindowMs`: a
   * budget of their own, so monitoring scrapes never spend the one that logins need.
   */
  readonly operationsRateLimitMax: number;
  /** Failed logins per account, and per client address, within `loginFailureWindowMs`; beyond them login answers 429 without hashing. */
  readonly loginFailuresPerAccount: number;
  readonly loginFailuresPerAddress: number;
  readonly loginFailureWindowMs: number;
  /**
   * Reverse proxies whose X-Forwarded-For is believed (addresses or CIDR ranges). Empty: the
   * header is ignored and the client is the TCP peer, so nobody can pick their own address.
   */
  readonly trustedProxies: readonly string[];
}

export interface OidcConfig {
  readonly issuer: string;
  readonly jwksUrl: string;
  readonly audience: string;
  /** Claim holding the CityTrust role, and claim holding the department's MSP id. */
  readonly roleClaim: string;
  readonly departmentClaim: string;
}

type Env = Readonly<Record<string, string | undefined>>;

/** Thrown for an environment variable that is set but unusable; the message says how to fix it. */
export class ConfigError extends Error {
  constructor(variable: string, problem: string) {
    super(`${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

export function loadGatewayConfig(env: Env = process.env): GatewayConfig {
  return {
    home: citytrustHome(env),
    host: env.GATEWAY_HOST ?? '127.0.0.1',
    port: integer(env, 'GATEWAY_PORT', 8080, 0, 65535),
    databaseUrl: env.DATABASE_URL || undefined,
    embeddedPostgresPort: integer(env, 'CITYTRUST_POSTGRES_PORT', 55432, 1, 65535),
    databaseTimeoutMs: integer(env, 'GATEWAY_DATABASE_TIMEOUT_MS', 5_000, 100, 60_000),
    tokenTtlSeconds: integer(env, 'GATEWAY_TOKEN_TTL_SECONDS', 900, 10, 86_400),
    bodyLimitBytes: integer(env, 'GATEWAY_BODY_LIMIT_BYTES', 256 * 1024, 1024, 64 * 1024 * 1024),
    rateLimitMax: integer(env, 'GATEWAY_RATE_LIMIT_MAX', 600, 1, 1_000_000),
    rateLimitWindowMs: integer(env, 'GATEWAY_RATE_LIMIT_WINDOW_MS', 60_000, 100, 3_600_000),
    departments: defaultDepartments,
    auditBundleMaxTrails: integer(env, 'GATEWAY_AUDIT_BUNDLE_MAX_TRAILS', MAX_AUDIT_BUNDLE_TRAILS, 1, MAX_AUDIT_BUNDLE_TRAILS),
    limits: requestLimitsConfig(env),
    oidc: oidcConfig(env),
    logLevel: env.GATEWAY_LOG_LEVEL ?? 'info',
    explorerDir: env.GATEWAY_EXPLORER_DIR || builtExplorerDir(),
  };
}

/**
 * Where the repository's build put the explorer: resolved at run time, not imported, because
 * the explorer's own tests depend on the gateway and a package dependency would be a cycle.
 */
function builtExplorerDir(): string | undefined {
  try {
    return join(dirname(require.resolve('@citytrust/explorer-ui/package.json')), 'dist', 'web');
  } catch {
    return undefined;
  }
}

function oidcConfig(env: Env): OidcConfig | undefined {
  const issuer = env.GATEWAY_OIDC_ISSUER;
  if (!issuer) return undefined;
  const jwksUrl = env.GATEWAY_OIDC_JWKS_URL;
  if (!jwksUrl) throw new ConfigError('GATEWAY_OIDC_JWKS_URL', 'must be set when GATEWAY_OIDC_ISSUER is (the identity platform\'s JWKS endpoint)');
  return {
    issuer,
    jwksUrl,
    audience: env.GATEWAY_OIDC_AUDIENCE ?? 'citytrust-gateway',
    roleClaim: env.GATEWAY_OIDC_ROLE_CLAIM ?? 'citytrust_role',
    departmentClaim: env.GATEWAY_OIDC_DEPARTMENT_CLAIM ?? 'citytrust_department',
  };
}

function requestLimitsConfig(env: Env): RequestLimitsConfig {
  return {
    operationsRateLimitMax: integer(env, 'GATEWAY_OPERATIONS_RATE_LIMIT_MAX', 6000, 1, 1_000_000),
    loginFailuresPerAccount: integer(env, 'GATEWAY_LOGIN_FAILURES_PER_ACCOUNT', 10, 1, 1_000_000),
    loginFailuresPerAddress: integer(env, 'GATEWAY_LOGIN_FAILURES_PER_ADDRESS', 50, 1, 1_000_000),
    loginFailureWindowMs: integer(env, 'GATEWAY_LOGIN_FAILURE_WINDOW_MS', 15 * 60_000, 1000, 86_400_000),
    trustedProxies: trustedProxies(env),
  };
}

/** GATEWAY_TRUSTED_PROXIES: comma-separated IPv4/IPv6 addresses or CIDR ranges. */
function trustedProxies(env: Env): string[] {
  const entries = (env.GATEWAY_TRUSTED_PROXIES ?? '').split(',').map((entry) => entry.trim()).filter(Boolean);
  for (const entry of entries) {
    const [address = '', prefix, ...rest] = entry.split('/');
    const version = isIP(address);
    const prefixOk = prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (version === 6 ? 128 : 32));
    if (version === 0 || !prefixOk || rest.length > 0) {
      throw new ConfigError('GATEWAY_TRUSTED_PROXIES', `has '${entry}': expected comma-separated IP addresses or CIDR ranges of the reverse proxies in front of the gateway, e.g. 10.0.0.5,192.168.1.0/24`);
    }
  }
  return entries;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(name, `is '${raw}': expected a whole number from ${min} to ${max}`);
  }
  return value;
}

/** A fresh random secret, for keys the gateway creates on first start. */
export function newSecret(bytes = 32): Buffer {
  return randomBytes(bytes);
}
