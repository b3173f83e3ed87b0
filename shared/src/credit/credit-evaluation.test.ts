import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalJson } from '../canonical-json';
import type { CreditCategory, CreditSeverity } from './credit-categories';
import type { StoredCreditRecord } from './credit-records';
import { evaluateCredit, gradeOf } from './credit-evaluation';
import { exampleCreditModel } from './testing/example-model';

const AT = '2028-01-01T00:00:00.000000000Z';
let count = 0;

/** A stored record `daysBefore` days before AT, in effect for a year, unless told otherwise. */
function record(category: CreditCategory, severity: CreditSeverity, daysBefore: number, overrides: Partial<StoredCreditRecord> = {}): StoredCreditRecord {
  count += 1;
  const occurredAt = new Date(Date.parse(AT) - daysBefore * 86_400_000).toISOString().replace('Z', '000000Z');
  return {
    subject: { kind: 'enterprise', uscc: '914403001922038216' }, category, severity, occurredAt, reference: `ref-${count}`, documentDigest: '0'.repeat(64),
    recordId: count.toString(16).padStart(64, '0'), department: 'MarketRegulationMSP', disclosureMonths: 12, published: true,
    repairableFrom: occurredAt, effectiveUntil: '2099-01-01T00:00:00.000000000Z', status: 'active', recordedAt: occurredAt,
    seal: { keyId: '', digest: '', signature: '', department: 'MarketRegulationMSP', sealedAt: occurredAt },
    ...overrides,
  };
}

test('a subject with no records has the base score and its grade', () => {
  assert.deepEqual(evaluateCredit(exampleCreditModel(), [], AT), { score: 700, grade: 'B', factors: [], lists: [] });
});

test('each record adds its weight, decayed by age, and is listed as a factor', () => {
  const penalty = record('administrative-penalty', 'ordinary', 10); // -80 at 100%
  const licence = record('administrative-licence', 'minor', 100); // 10 at 75%: 7 (7.5 truncated)
  const enforcement = record('court-enforcement', 'minor', 400); // -100 at 50%
  const result = evaluateCredit(exampleCreditModel(), [enforcement, licence, penalty], AT);
  assert.deepEqual(result.factors.map((f) => [f.recordId, f.ageDays, f.weight, f.decayPercent, f.contribution]), [
    [penalty.recordId, 10, -80, 100, -80],
    [licence.recordId, 100, 10, 75, 7],
    [enforcement.recordId, 400, -100, 50, -50],
  ]);
  assert.deepEqual([result.score, result.grade], [577, 'C']);
});

test('negative fractions are truncated toward zero, as positive ones are', () => {
  const model = exampleCreditModel({ weights: { ...exampleCreditModel().weights, 'administrative-penalty': { minor: -15, ordinary: -80, serious: -120 } } });
  const result = evaluateCredit(model, [record('administrative-penalty', 'minor', 100)], AT); // -15 × 75% = -11.25
  assert.equal(result.factors[0]!.contribution, -11);
});

test('withdrawn, repaired, expired and future records do not count; a record under objection does', () => {
  const counted = record('administrative-penalty', 'serious', 5, { status: 'under-objection' });
  const records = [
    counted,
    record('administrative-penalty', 'serious', 5, { status: 'withdrawn' }),
    record('administrative-penalty', 'serious', 5, { status: 'repaired' }),
    record('administrative-penalty', 'serious', 500, { effectiveUntil: AT }),
    record('administrative-penalty', 'serious', -1),
  ];
  assert.deepEqual(evaluateCredit(exampleCreditModel(), records, AT).factors.map((f) => f.recordId), [counted.recordId]);
});

test('list membership follows the records in effect', () => {
  const records = [record('wage-arrears-blacklist', 'serious', 1), record('red-list', 'ordinary', 1), record('red-list', 'minor', 2), record('honour', 'minor', 1)];
  assert.deepEqual(evaluateCredit(exampleCreditModel(), records, AT).lists, ['red-list', 'wage-arrears-blacklist']);
});

test('the score stays within the model\'s range and grades follow its thresholds', () => {
  const many = Array.from({ length: 10 }, () => record('seriously-dishonest-list', 'serious', 1));
  assert.deepEqual([evaluateCredit(exampleCreditModel(), many, AT).score, evaluateCredit(exampleCreditModel(), many, AT).grade], [0, 'D']);
  const model = exampleCreditModel();
  assert.deepEqual([800, 799, 650, 649, 500, 499].map((score) => gradeOf(model, score)), ['A', 'B', 'B', 'C', 'C', 'D']);
});

test('the same records in any order give the same bytes', () => {
  const records = Array.from({ length: 50 }, (_, i) => record(i % 2 ? 'honour' : 'administrative-penalty', i % 3 ? 'ordinary' : 'serious', i * 17));
  const forwards = canonicalJson(evaluateCredit(exampleCreditModel(), records, AT));
  assert.equal(canonicalJson(evaluateCredit(exampleCreditModel(), [...records].reverse(), AT)), forwards);
});
