import '@citytrust/chaincode/dist/testing/quiet-chaincode-logs';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalJson, CREDIT_EVENTS, type CreditEvaluation } from '@citytrust/shared';
import { readLedgerEvent } from '../trails-index/ledger-record';
import { readCreditEvent } from './credit-event';
import { subjectAttributes } from './subject-attributes';

const event = (eventName: string, payload: string) => ({ blockNumber: 9n, transactionId: 'c'.repeat(64), eventName, payload: Buffer.from(payload) });
const seal = { keyId: 'k', digest: 'd', signature: 's', department: 'CreditOfficeMSP', sealedAt: '2027-03-01T08:00:00.000000000Z' };
const evaluation: CreditEvaluation = {
  subject: { kind: 'enterprise', uscc: '91320214MA1XXXXX5Y' }, modelVersion: 1, score: 620, grade: 'C', factors: [], lists: [],
  evaluatedAt: '2027-03-01T08:00:00.000000000Z', trigger: { kind: 'reevaluation' }, evaluationId: 'c'.repeat(64),
};

test('an evaluation event gives the evaluation (history) and the subject\'s standing, each as the canonical JSON the ledger holds', () => {
  const read = readCreditEvent(event(CREDIT_EVENTS.evaluation, canonicalJson({ evaluation })));
  assert.equal(read.outcome, 'records');
  const records = read.outcome === 'records' ? read.records : [];
  assert.deepEqual(records.map((r) => [r.kind, r.payload, r.blockNumber, r.transactionId]), [
    ['credit-evaluation', canonicalJson(evaluation), 9n, 'c'.repeat(64)],
    ['credit-standing', canonicalJson(evaluation), 9n, 'c'.repeat(64)],
  ]);
});

test('a credit event whose parts are not the promised records is malformed, with the reason; a permission is read but not indexed', () => {
  assert.deepEqual(readCreditEvent(event(CREDIT_EVENTS.record, 'not json')), { outcome: 'malformed', reason: 'the credit.record payload is not JSON' });
  assert.deepEqual(readCreditEvent(event(CREDIT_EVENTS.evaluation, JSON.stringify({ evaluation: { ...evaluation, grade: 'E' } }))),
    { outcome: 'malformed', reason: 'the credit.evaluation payload has an evaluation without a valid grade' });
  assert.deepEqual(readCreditEvent(event(CREDIT_EVENTS.permission, JSON.stringify({ permission: { department: 'X', categories: [], setAt: '', seal } }))), { outcome: 'records', records: [] });
  assert.deepEqual(readCreditEvent(event('trail.access', '{}')), { outcome: 'ignored' });
});

test('one dispatch reads both contracts: credit events by their records, other contracts\' events as none', () => {
  assert.deepEqual(readLedgerEvent(event('seal.key', '{}')), { outcome: 'records', records: [] });
  const read = readLedgerEvent(event(CREDIT_EVENTS.evaluation, canonicalJson({ evaluation })));
  assert.deepEqual(read.outcome === 'records' ? read.records.map((r) => r.kind) : read, ['credit-evaluation', 'credit-standing']);
});

test('an enterprise\'s district and industry come from its USCC; a person has neither', () => {
  assert.deepEqual(subjectAttributes({ kind: 'enterprise', uscc: '91320214MA1XXXXX5Y' }), { district: '320214', industry: '91' });
  assert.deepEqual(subjectAttributes({ kind: 'enterprise', uscc: '51110000500000000K' }), { district: '110000', industry: '51' });
  assert.deepEqual(subjectAttributes({ kind: 'person', subjectKey: 'b'.repeat(64) }), { district: null, industry: null });
});
