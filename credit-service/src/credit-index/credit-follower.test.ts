import '@citytrust/chaincode/dist/testing/quiet-chaincode-logs';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exampleCreditModel } from '@citytrust/shared/dist/credit/testing/example-model';
import type { CreditSubject } from '@citytrust/shared';
import { openLedgerClient, type LedgerClient, type NetworkDescription } from '@citytrust/network-config';
import { writeTestNetworkDescription } from '@citytrust/network-config/dist/testing/test-network-description';
import { downEmbeddedNetwork, upEmbeddedNetwork } from '@citytrust/test-network';
import { reconcileTrailIndex } from '../reconcile/reconcile-index';
import { INDEXED_TABLES } from '../schema/offchain-schema';
import { creditRecord, creditRules, sealedCredit, type CreditOutcome, type SealedCredit } from '../test-support/credit-records';
import { startTestPostgres, type TestPostgres } from '../test-support/test-postgres';
import { CREDIT, MARKET, registerSealKeys } from '../test-support/trail-records';
import type { Recorded } from '../test-support/trail-records';
import { subjectReference, type LedgerPosition } from '../trails-index/ledger-record';
import { startOffchainIndexer } from '../trails-index/offchain-indexer';

/**
 * The credit half of the off-chain index, on the embedded ledger and a real Postgres: a credit
 * journey through the credit contract, every record sealed (records from two departments, an
 * objection upheld and one withdrawn, a repair, list membership), followed by the same indexer
 * and checkpoint as the trails, replayed from block 0 without a change, and reconciled.
 */
let home: string;
let description: NetworkDescription;
let client: LedgerClient;
let postgres: TestPostgres;
let credit: SealedCredit;
const suiteNetworkFile = process.env.CITYTRUST_NETWORK;
const SUBJECT: CreditSubject = { kind: 'enterprise', uscc: '914403001922038216' };
const journey: Record<string, Recorded<CreditOutcome>> = {};

before(async () => {
  home = mkdtempSync(join(tmpdir(), 'citytrust-credit-index-'));
  const written = await writeTestNetworkDescription(home);
  description = written.description;
  process.env.CITYTRUST_NETWORK = written.path;
  const [{ crypto }, pg] = await Promise.all([upEmbeddedNetwork({ home, description }), startTestPostgres()]);
  postgres = pg;
  client = openLedgerClient({ description, crypto });
  credit = sealedCredit(client, await registerSealKeys(client));
  await creditRules(credit, exampleCreditModel());
  journey.penalty = await credit.submit(MARKET, 'submitRecord', creditRecord(SUBJECT, 1));
  journey.red = await credit.submit(CREDIT, 'submitRecord', creditRecord(SUBJECT, 1, { category: 'red-list', severity: 'serious', reference: '信用办〔2027〕1号' }));
  journey.disputed = await credit.submit(MARKET, 'submitRecord', creditRecord(SUBJECT, 2, { reference: '锡市监罚〔2027〕90号' }));
  journey.old = await credit.submit(MARKET, 'submitRecord', creditRecord(SUBJECT, 120, { reference: '锡市监罚〔2026〕7号' }));
  const penaltyId = journey.penalty.record.record!.recordId;
  const disputedId = journey.disputed.record.record!.recordId;
  const oldId = journey.old.record.record!.recordId;
  await credit.submit(CREDIT, 'objectToRecord', { recordId: penaltyId, subject: SUBJECT, reason: '已整改' });
  journey.upheld = await credit.submit(MARKET, 'answerObjection', { recordId: penaltyId, outcome: 'upheld', text: '事实清楚' });
  await credit.submit(CREDIT, 'objectToRecord', { recordId: disputedId, subject: SUBJECT, reason: '非本企业' });
  journey.withdrawn = await credit.submit(MARKET, 'answerObjection', { recordId: disputedId, outcome: 'withdrawn', text: '主体错误' });
  await credit.submit(CREDIT, 'applyForRepair', { recordId: oldId, subject: SUBJECT, commitment: '守法经营' });
  journey.repaired = await credit.submit(MARKET, 'decideRepair', { recordId: oldId, outcome: 'approved', text: '同意修复' });
});

after(async () => {
  client?.close();
  await postgres?.close();
  if (suiteNetworkFile === undefined) delete process.env.CITYTRUST_NETWORK;
  else process.env.CITYTRUST_NETWORK = suiteNetworkFile;
  await downEmbeddedNetwork(home).catch(() => undefined);
  rmSync(home, { recursive: true, force: true });
});

/** Runs the indexer from its checkpoint until it has passed `position`. */
async function indexThrough(position: LedgerPosition, maxBatch?: number): Promise<void> {
  const indexer = await startOffchainIndexer({ network: client.network(MARKET), chaincode: description.chaincode.name, pool: postgres.pool, retry: { initialDelayMs: 50, maxDelayMs: 500 }, ...(maxBatch ? { maxBatch } : {}) });
  try {
    const deadline = Date.now() + 20_000;
    const passed = () => {
      const at = indexer.status().checkpoint;
      return at !== undefined && (at.blockNumber > position.blockNumber || (at.blockNumber === position.blockNumber && at.transactionId === position.transactionId));
    };
    while (!passed()) {
      if (Date.now() > deadline) throw new Error(`the indexer did not pass block ${position.blockNumber} within 20 s`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    await indexer.stop();
  }
}

async function creditDump(): Promise<Record<string, unknown[]>> {
  const dump: Record<string, unknown[]> = {};
  for (const { table, key } of INDEXED_TABLES.filter((t) => t.table.startsWith('credit_'))) dump[table] = (await postgres.pool.query(`SELECT * FROM offchain.${table} ORDER BY ${key}`)).rows;
  return dump;
}

test('the journey is indexed: each record\'s latest version, objections and repair with their outcomes, every evaluation, and the subject\'s standing', async () => {
  await indexThrough(journey.repaired!);
  const ref = subjectReference(SUBJECT);
  const records = (await postgres.pool.query('SELECT record_id, department, category, status FROM offchain.credit_records WHERE subject = $1', [ref])).rows;
  const status = Object.fromEntries(records.map((r) => [r.record_id, [r.department, r.category, r.status]]));
  assert.deepEqual(status, {
    [journey.penalty!.record.record!.recordId]: [MARKET, 'administrative-penalty', 'active'],
    [journey.red!.record.record!.recordId]: [CREDIT, 'red-list', 'active'],
    [journey.disputed!.record.record!.recordId]: [MARKET, 'administrative-penalty', 'withdrawn'],
    [journey.old!.record.record!.recordId]: [MARKET, 'administrative-penalty', 'repaired'],
  });
  const objections = (await postgres.pool.query('SELECT record_id, status, answer_outcome FROM offchain.credit_objections WHERE subject = $1 ORDER BY raised_at', [ref])).rows;
  assert.deepEqual(objections.map((o) => [o.status, o.answer_outcome]), [['answered', 'upheld'], ['answered', 'withdrawn']]);
  const repairs = (await postgres.pool.query('SELECT record_id, status FROM offchain.credit_repairs WHERE subject = $1', [ref])).rows;
  assert.deepEqual(repairs, [{ record_id: journey.old!.record.record!.recordId, status: 'approved' }]);
  const last = journey.repaired!.record.evaluation!;
  const standing = (await postgres.pool.query('SELECT subject_kind, district, industry, grade, score, model_version, evaluation_id, lists, transaction_id FROM offchain.credit_subjects WHERE subject = $1', [ref])).rows;
  assert.deepEqual(standing, [{ subject_kind: 'enterprise', district: '440300', industry: '91', grade: last.grade, score: last.score, model_version: 1, evaluation_id: last.evaluationId, lists: ['red-list'], transaction_id: journey.repaired!.transactionId }]);
  const history = (await postgres.pool.query('SELECT grade, previous_grade, trigger_kind, record FROM offchain.credit_evaluations WHERE subject = $1 ORDER BY evaluated_at', [ref])).rows;
  assert.deepEqual(history.map((e) => e.trigger_kind), ['record', 'record', 'record', 'record', 'objection', 'objection', 'repair'], 'one evaluation per record, answer and repair');
  assert.deepEqual(history.slice(1).map((e) => e.previous_grade), history.slice(0, -1).map((e) => e.grade), 'each names the grade it replaced');
  assert.deepEqual(JSON.parse(history.at(-1)!.record), last, 'the row keeps the evaluation as the ledger stores it, with its factors');
  assert.deepEqual((await postgres.pool.query('SELECT version, name FROM offchain.credit_models')).rows, [{ version: 1, name: 'example model' }]);
});

test('replaying every block from 0, one event at a time, leaves the credit tables identical; reconcile finds nothing', async () => {
  await indexThrough(journey.repaired!);
  const before = await creditDump();
  await postgres.pool.query(`UPDATE offchain.checkpoints SET block_number = 0, transaction_id = ''`);
  // One event per batch: every earlier version is written again over the later one, by SQL alone.
  await indexThrough(journey.repaired!, 1);
  assert.deepEqual(await creditDump(), before);
  const report = await reconcileTrailIndex({ network: client.network(MARKET), chaincode: description.chaincode.name, pool: postgres.pool });
  assert.deepEqual([report.mismatches, report.problems], [[], []]);
  assert.ok(report.ledgerRecords >= 4 + 2 + 2 + 2 + 1 + 7 * 2, `${report.ledgerRecords} records re-read from the ledger`);
});

test('reconcile names a credit row altered in the index', async () => {
  await indexThrough(journey.repaired!);
  const ref = subjectReference(SUBJECT);
  await postgres.pool.query(`UPDATE offchain.credit_subjects SET grade = CASE grade WHEN 'A' THEN 'D' ELSE 'A' END WHERE subject = $1`, [ref]);
  try {
    const report = await reconcileTrailIndex({ network: client.network(MARKET), chaincode: description.chaincode.name, pool: postgres.pool });
    assert.deepEqual(report.mismatches, [{ table: 'credit_subjects', key: ref, kind: 'altered', columns: ['grade'] }]);
  } finally {
    await postgres.pool.query(`UPDATE offchain.credit_subjects SET grade = (record::jsonb ->> 'grade') WHERE subject = $1`, [ref]);
  }
});
