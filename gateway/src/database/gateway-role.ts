import { Client } from 'pg';
import { OFFCHAIN_SCHEMA } from '@citytrust/credit-service';

/** The role the gateway's pool connects as on the embedded Postgres. */
export const gatewayRole = 'citytrust_gateway';

/**
 * Creates (or brings back in line) the gateway's least-privilege role: it may log in to the
 * `citytrust` database and read and write the rows of the gateway's tables, and nothing else: no
 * superuser, no creating or altering or dropping tables, no other databases, no TRUNCATE, and no
 * access to `schema_migrations`. The tables stay owned by the superuser that ran the migrations,
 * so a hole in the gateway cannot change the schema. Run as the superuser after every migration,
 * so tables added later get the same grants.
 *
 * We grant DML rather than make the role the tables' owner: an owner may ALTER and DROP its
 * tables and disable their constraints, which is exactly what the gateway never needs.
 *
 * The off-chain index (schema `offchain`, written by the credit service's indexer) is read-only
 * to the gateway: SELECT on its tables, except its `schema_migrations`. The schema must exist
 * first (`openGatewayDatabase` creates it with the credit service's own migrations). Tables a
 * later credit service adds while the gateway runs are covered by default privileges, given by
 * the role that creates them: this superuser, whose URL `citytrust start` hands the indexer.
 */
export async function grantGatewayRole(superuserUrl: string, password: string, timeoutMs: number): Promise<void> {
  const client = new Client({ connectionString: superuserUrl, connectionTimeoutMillis: timeoutMs });
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query('BEGIN');
    // Two starters at once would both try CREATE ROLE.
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('citytrust gateway role'))`);
    const exists = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [gatewayRole]);
    const role = client.escapeIdentifier(gatewayRole);
    if (!exists.rowCount) await client.query(`CREATE ROLE ${role}`);
    // DDL takes no parameters; the literal is escaped by pg itself (and is hex anyway).
    await client.query(`ALTER ROLE ${role} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS CONNECTION LIMIT 50 PASSWORD ${client.escapeLiteral(password)}`);
    const { rows } = await client.query<{ db: string }>('SELECT current_database() AS db');
    const database = client.escapeIdentifier(rows[0]!.db);
    await client.query(`REVOKE ALL ON DATABASE ${database} FROM PUBLIC`);
    await client.query(`GRANT CONNECT ON DATABASE ${database} TO ${role}`);
    await client.query(`REVOKE CREATE ON SCHEMA public FROM PUBLIC`);
    await client.query(`GRANT USAGE ON SCHEMA public TO ${role}`);
    await client.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${role}`);
    await client.query(`REVOKE ALL ON schema_migrations FROM ${role}`);
    await client.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${role}`);
    await client.query(`GRANT USAGE ON SCHEMA ${OFFCHAIN_SCHEMA} TO ${role}`);
    await client.query(`GRANT SELECT ON ALL TABLES IN SCHEMA ${OFFCHAIN_SCHEMA} TO ${role}`);
    await client.query(`REVOKE ALL ON ${OFFCHAIN_SCHEMA}.schema_migrations FROM ${role}`);
    await client.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA ${OFFCHAIN_SCHEMA} GRANT SELECT ON TABLES TO ${role}`);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await client.end().catch(() => undefined);
  }
}
