import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLedgerClient, type LedgerClient, type NetworkDescription } from '@citytrust/network-config';
import { writeTestNetworkDescription } from '@citytrust/network-config/dist/testing/test-network-description';
import { downEmbeddedNetwork, upEmbeddedNetwork } from '@citytrust/test-network';
import { startTestPostgres, type TestPostgres } from '../test-support/test-postgres';
import { CREDIT, dataItem, legalBasis, MARKET, person, registerSealKeys, shareTrail } from '../test-support/trail-records';
import { startOffchainIndexer } from '../trails-index/offchain-indexer';
import { reconcileTrailIndex } from './reconcile-index';

let home: string;
let description: NetworkDescription;
let client: LedgerClient;
let postgres: TestPostgres;
/** The three share trails on the ledger, after a catalog item and the legal basis they rely on. */
let trails: Array<{ trailId: string }>;
const suiteNetworkFile = process.env.CITYTRUST_NETWORK;

before(async () => {
  home = mkdtempSync(join(tmpdir(), 'citytrust-reconcile-'));
  const written = await writeTestNetworkDescription(home);
  description = written.description;
  process.env.CITYTRUST_NETWORK = written.path;
  const [{ crypto }, pg] = await Promise.all([upEmbeddedNetwork({ home, description }), startTestPostgres()]);
  postgres = pg;
  client = openLedgerClient({ description, crypto });
  const sealed = await registerSealKeys(client);
  await sealed.submit(MARKET, 'registerDataItem', dataItem());
  const basis = await sealed.submit<{ authorizationId: string }>(MARKET, 'registerLegalBasis', legalBasis());
  const recorded = [];
  for (const n of [1, 2, 3]) recorded.push(await sealed.submit<{ trailId: string }>(CREDIT, 'recordAccess', shareTrail(basis.record.authorizationId, person(n))));
  trails = recorded.map((trail) => trail.record);
  const last = recorded.at(-1)!;
  const indexer = await startOffchainIndexer({ network: client.network(MARKET), chaincode: description.chaincode.name, pool: postgres.pool });
  const deadline = Date.now() + 20_000;
  while (indexer.status().checkpoint?.transactionId !== last.transactionId && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await indexer.stop();
});

after(async () => {
  client?.close();
  await postgres?.close();
  if (suiteNetworkFile === undefined) delete process.env.CITYTRUST_NETWORK;
  else process.env.CITYTRUST_NETWORK = suiteNetworkFile;
  await downEmbeddedNetwork(home).catch(() => undefined);
  rmSync(home, { recursive: true, force: true });
});

const reconcile = () => reconcileTrailIndex({ network: client.network(MARKET), chaincode: description.chaincode.name, pool: postgres.pool });

test('an index that matches the ledger has no mismatches', async () => {
  const report = await reconcile();
  // The item, the legal basis and the three trails.
  assert.deepEqual([report.ledgerRecords, report.indexRows, report.mismatches, report.problems], [5, 5, [], []]);
});

test('a row altered, one deleted and one added by hand in Postgres are each reported, and nothing else', async () => {
  await postgres.pool.query('UPDATE offchain.share_trails SET department = $2, purpose = $3 WHERE trail_id = $1', [trails[0]!.trailId, 'MarketRegulationMSP', 'covering.tracks']);
  await postgres.pool.query('DELETE FROM offchain.share_trails WHERE trail_id = $1', [trails[1]!.trailId]);
  await postgres.pool.query(`INSERT INTO offchain.share_trails SELECT $2, department, officer, subject, items, purpose, authorization_id, case_reference, result_digest, quality_rating,
    requested_at, outcome, refusal_check, refusal_reason, recorded_at, seal_key_id, record, block_number, transaction_id FROM offchain.share_trails WHERE trail_id = $1`, [trails[2]!.trailId, '0'.repeat(64)]);
  const report = await reconcile();
  assert.deepEqual(report.mismatches, [
    { table: 'share_trails', key: '0'.repeat(64), kind: 'extra' },
    ...[{ table: 'share_trails', key: trails[0]!.trailId, kind: 'altered', columns: ['department', 'purpose'] }, { table: 'share_trails', key: trails[1]!.trailId, kind: 'missing' }]
      .sort((a, b) => a.key.localeCompare(b.key)),
  ]);
});
