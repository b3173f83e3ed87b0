import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { Client } from 'pg';
import { pausePostgres } from '../test-support/pause-postgres';
import { startTestGateway, type TestGateway } from '../test-support/test-gateway';

describe('the gateway\'s database deadlines', () => {
  let gateway: TestGateway;
  let token: string;
  before(async () => {
    gateway = await startTestGateway({ GATEWAY_DATABASE_TIMEOUT_MS: '1000' });
    ({ token } = await gateway.userWithToken('auditor'));
  });
  after(async () => { await gateway?.close(); });

  const me = () => gateway.server.inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } });

  it('answers 503 database_unavailable with Retry-After within the deadline when Postgres hangs on an open connection, and recovers', async () => {
    assert.equal((await me()).statusCode, 200, 'the pool holds an open connection');
    const thaw = pausePostgres(gateway.database.embedded!.pid);
    try {
      const started = Date.now();
      const response = await me();
      const elapsed = Date.now() - started;
      assert.equal(response.statusCode, 503);
      assert.equal(response.json().error.code, 'database_unavailable');
      assert.equal(response.headers['retry-after'], '5');
      assert.ok(elapsed < 2_500, `answered after ${elapsed} ms; the deadline is 1 s`);

      const health = await gateway.server.inject({ url: '/healthz' });
      assert.equal(health.statusCode, 503);
      assert.deepEqual(health.json().components.database, { reachable: false, detail: `did not answer within 1 s at 127.0.0.1:${gateway.services.config.embeddedPostgresPort}` });
    } finally {
      thaw();
    }
    assert.equal((await me()).statusCode, 200, 'the next request after Postgres answers again');
  });

  it('connects as a role that may read and write rows but not change the schema', async () => {
    const { pool } = gateway.services.database;
    assert.deepEqual((await pool.query('SELECT current_user AS role')).rows, [{ role: 'citytrust_gateway' }]);
    for (const sql of ['DROP TABLE users', 'CREATE TABLE intruder (x int)', 'TRUNCATE users', 'SELECT * FROM schema_migrations', 'ALTER TABLE users DROP CONSTRAINT users_pkey']) {
      await assert.rejects(pool.query(sql), (error: { code?: string }) => {
        assert.equal(error.code, '42501', `${sql} is refused as insufficient_privilege`);
        return true;
      });
    }
  });

  it('reads the off-chain index, which it created before the indexer ever ran, and may not write it', async () => {
    const { pool } = gateway.services.database;
    assert.deepEqual((await pool.query('SELECT count(*)::int AS n FROM offchain.share_trails')).rows, [{ n: 0 }]);
    const citizen = await gateway.userWithToken('citizen');
    const log = await gateway.server.inject({ url: '/api/v1/me/trails', headers: { authorization: `Bearer ${citizen.token}` } });
    assert.deepEqual([log.statusCode, log.json()], [200, { trails: [], bookmark: '', index: { blockNumber: 0, transactionId: '' } }], 'an index no indexer has written says it holds nothing yet');
    for (const sql of ["INSERT INTO offchain.checkpoints (stream, block_number, transaction_id) VALUES ('x/y', 0, '')", 'DELETE FROM offchain.share_trails', 'UPDATE offchain.authorizations SET status = \'active\'', 'SELECT * FROM offchain.schema_migrations', 'CREATE TABLE offchain.intruder (x int)']) {
      await assert.rejects(pool.query(sql), (error: { code?: string }) => {
        assert.equal(error.code, '42501', `${sql} is refused as insufficient_privilege`);
        return true;
      });
    }
  });

  it('reads a table a later credit service adds to the off-chain index while the gateway runs', async () => {
    const owner = new Client({ connectionString: gateway.database.embedded!.url });
    await owner.connect();
    try {
      await owner.query('CREATE TABLE offchain.later_records (id int)');
      assert.deepEqual((await gateway.services.database.pool.query('SELECT count(*)::int AS n FROM offchain.later_records')).rows, [{ n: 0 }]);
    } finally {
      await owner.query('DROP TABLE IF EXISTS offchain.later_records');
      await owner.end();
    }
  });
});

describe('when the embedded Postgres is gone', () => {
  it('/healthz names the real cause: the connection was refused', async () => {
    const gateway = await startTestGateway();
    try {
      await gateway.database.embedded!.stop();
      const health = await gateway.server.inject({ url: '/healthz' });
      assert.equal(health.statusCode, 503);
      assert.equal(health.headers['retry-after'], '5');
      assert.deepEqual(health.json().components.database, {
        reachable: false,
        detail: `connection refused (ECONNREFUSED) at 127.0.0.1:${gateway.services.config.embeddedPostgresPort}: nothing listens there; is Postgres running?`,
      });
    } finally {
      await gateway.close();
    }
  });
});
