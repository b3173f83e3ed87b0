import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalJson, type StoredAuthorization } from '@citytrust/shared';
import { migrateOffchainSchema } from '../schema/offchain-schema';
import { startTestPostgres, type TestPostgres } from '../test-support/test-postgres';
import { CREDIT, MARKET, person, storedShareTrail } from '../test-support/trail-records';
import { writeLedgerRecords } from './index-writer';
import type { LedgerRecord } from './ledger-record';

let postgres: TestPostgres;
before(async () => {
  postgres = await startTestPostgres();
  await migrateOffchainSchema(postgres.pool);
});
after(() => postgres?.close());

const granted: StoredAuthorization = {
  authorizationId: 'd'.repeat(64), kind: 'consent', grantee: CREDIT, items: ['MR-ENT-BASIC'], purpose: 'credit-repair.review',
  validFrom: '2027-01-01T00:00:00.000000000Z', validUntil: '2027-02-01T00:00:00.000000000Z', subject: person(1), status: 'active', recordedBy: MARKET,
  recordedAt: '2027-01-01T00:00:00.000000000Z', seal: { keyId: 'e'.repeat(64), digest: 'f'.repeat(64), signature: 'AAAA', department: MARKET, sealedAt: '2027-01-01T00:00:00.000000000Z' },
};
const revoked: StoredAuthorization = { ...granted, status: 'revoked', revokedAt: '2027-01-10T00:00:00.000000000Z', revocationReason: 'withdrawn by the subject' };
const version = (record: StoredAuthorization, blockNumber: bigint, transactionId: string): LedgerRecord =>
  ({ kind: 'authorization', record, payload: canonicalJson(record), blockNumber, transactionId });

async function write(records: LedgerRecord[]): Promise<void> {
  const client = await postgres.pool.connect();
  try {
    await writeLedgerRecords(client, records);
  } finally {
    client.release();
  }
}

test('an older version of an authorization written again, alone or in a batch, never replaces a newer one', async () => {
  await write([version(granted, 5n, '1'.repeat(64))]);
  await write([version(revoked, 9n, '2'.repeat(64))]);
  const latest = [{ status: 'revoked', revocation_reason: 'withdrawn by the subject', block_number: '9', transaction_id: '2'.repeat(64) }];
  const rows = async () => (await postgres.pool.query('SELECT status, revocation_reason, block_number, transaction_id FROM offchain.authorizations')).rows;
  await write([version(granted, 5n, '1'.repeat(64))]);
  assert.deepEqual(await rows(), latest, 'the grant replayed alone');
  await write([version(revoked, 9n, '2'.repeat(64)), version(granted, 5n, '1'.repeat(64))]);
  assert.deepEqual(await rows(), latest, 'the grant replayed after the revocation in one batch');
});

test('a trail written twice is one row, as first written', async () => {
  const trail = storedShareTrail(1, person(2), new Date('2027-01-03T00:00:00Z'));
  const record: LedgerRecord = { kind: 'access', record: trail, payload: canonicalJson(trail), blockNumber: 3n, transactionId: trail.trailId };
  await write([record, record]);
  await write([record]);
  const rows = (await postgres.pool.query('SELECT trail_id, subject, items, authorization_id, recorded_at FROM offchain.share_trails')).rows;
  assert.equal(rows.length, 1);
  assert.deepEqual(rows[0].items, trail.items);
  assert.equal(rows[0].subject, `P:${(person(2) as { subjectKey: string }).subjectKey}`);
  assert.equal((rows[0].recorded_at as Date).toISOString(), '2027-01-03T00:00:00.000Z');
});
