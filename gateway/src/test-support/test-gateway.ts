import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { freePort } from '@citytrust/network-config/dist/testing/free-ports';
import { tmpdir } from 'node:os';
import { usccCheckCharacter } from '@citytrust/shared';
import { join } from 'node:path';
import { loadGatewayConfig, type GatewayConfig } from '../config';
import { gatewayServices, openGatewayDatabase, type GatewayDatabase } from '../gateway';
import { buildServer, type GatewayServer } from '../http/server';
import type { GatewayServices } from '../http/services';
import { disconnectedLedger, type Ledger } from '../ledger/ledger';
import type { Role } from '../roles';
import type { User } from '../users/user';

/**
 * A real gateway for tests: its own CITYTRUST_HOME in a temporary directory and its own
 * embedded Postgres, answering through Fastify's in-process HTTP injection.
 */
export interface TestGateway {
  readonly server: GatewayServer;
  readonly services: GatewayServices;
  readonly database: GatewayDatabase;
  /** Creates a user with this role (and department for department roles) and returns a token for them. */
  userWithToken(role: Role, department?: string): Promise<{ user: User; token: string }>;
  close(): Promise<void>;
}

export const testPassword = 'a test password of fair length';

/** A valid USCC (GB 32100, its check character computed) ending in `serial`: a made-up enterprise. */
export function testUscc(serial: number): string {
  const body = `91320200${String(serial).padStart(9, '0')}`;
  return body + usccCheckCharacter(body);
}
let userCount = 0;

/**
 * @param ledger the ledger the gateway talks to; none by default (every ledger call is a 503).
 * The ledger is not closed with the gateway: whoever opened it closes it.
 */
export async function startTestGateway(env: Record<string, string> = {}, ledger?: Ledger): Promise<TestGateway> {
  const home = mkdtempSync(join(tmpdir(), 'citytrust-test-'));
  chmodSync(home, 0o755); // as root, Postgres runs as 'postgres' and must reach its data directory
  const config: GatewayConfig = loadGatewayConfig({ CITYTRUST_HOME: home, CITYTRUST_POSTGRES_PORT: String(await freePort()), ...env });
  const database = await openGatewayDatabase(config);
  const services = gatewayServices(config, database.database, ledger ?? disconnectedLedger('no Fabric network is connected to this test gateway'));
  const server = await buildServer(services, false);
  await server.ready();
  return {
    server,
    services,
    database,
    async userWithToken(role, department) {
      userCount += 1;
      const username = `${role}.${userCount}`;
      const user = role === 'citizen'
        ? await services.users.create({ username, role, subjectKey: userCount.toString(16).padStart(64, '0'), loginPublicKey: 'test key' }, 'test')
        : role === 'enterprise'
          ? await services.users.create({ username, role, uscc: testUscc(userCount), loginPublicKey: 'test key' }, 'test')
          : await services.users.create({ username, role, password: testPassword, ...(department ? { department } : {}) }, 'test');
      return { user, token: services.tokens.issue(user.id, user.role).token };
    },
    async close() {
      await server.close();
      await database.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

export { freePort };
