/**
 * A credit evaluation (信用评价): a subject's score and grade under a named model version, with
 * the factors that made it, and the evaluation it replaced. {@link evaluateCredit} is the one
 * computation; the chaincode runs it at a transaction's time and stores what it returns, and
 * anyone can run it again from the records and the model to check it.
 */
import { listOf, type CreditCategory, type CreditListName, type CreditSeverity } from './credit-categories';
import type { CreditSubject, StoredCreditRecord } from './credit-records';
import type { CreditEvaluationModel, CreditGrade } from './evaluation-model';

/** One record's part in an evaluation. */
export interface CreditFactor {
  readonly recordId: string;
  readonly category: CreditCategory;
  readonly severity: CreditSeverity;
  /** Whole days from when it occurred to the evaluation. */
  readonly ageDays: number;
  readonly weight: number;
  readonly decayPercent: number;
  /** trunc(weight × decayPercent / 100): what it added to (or took from) the score. */
  readonly contribution: number;
}

/** Why an evaluation was made. */
export type EvaluationTrigger =
  | { readonly kind: 'record' | 'objection' | 'repair'; readonly recordId: string }
  | { readonly kind: 'reevaluation' };

/** What {@link evaluateCredit} computes. */
export interface CreditScoreResult {
  readonly score: number;
  readonly grade: CreditGrade;
  readonly factors: readonly CreditFactor[];
  /** The red list and blacklists the subject is on, from its records in effect. */
  readonly lists: readonly CreditListName[];
}

/** An evaluation as stored on the ledger. */
export interface CreditEvaluation extends CreditScoreResult {
  readonly subject: CreditSubject;
  readonly modelVersion: number;
  readonly evaluatedAt: string;
  readonly trigger: EvaluationTrigger;
  /** The transaction that made it. */
  readonly evaluationId: string;
  /** The evaluation this one replaced, in brief; absent for the subject's first. */
  readonly previous?: { readonly grade: CreditGrade; readonly score: number; readonly modelVersion: number; readonly evaluatedAt: string; readonly evaluationId: string };
}

const DAY_MS = 86_400_000;

/**
 * Whether a record counts at ledger time `at`: not withdrawn or repaired, already occurred, and
 * before the end of its window.
 */
export function isInEffect(record: StoredCreditRecord, at: string): boolean {
  return (record.status === 'active' || record.status === 'under-objection') && record.occurredAt <= at && at < record.effectiveUntil;
}

/**
 * Scores a subject's records under `model` at ledger time `at` (RFC 3339 UTC, nine fraction
 * digits, as the ledger writes times). Pure and deterministic: records not in effect are
 * skipped, factors come in record-id order, and all arithmetic is on integers.
 */
export function evaluateCredit(model: CreditEvaluationModel, records: readonly StoredCreditRecord[], at: string): CreditScoreResult {
  const atMs = Date.parse(at.slice(0, 23) + 'Z');
  const factors = records
    .filter((record) => isInEffect(record, at))
    .sort((a, b) => (a.recordId < b.recordId ? -1 : a.recordId > b.recordId ? 1 : 0))
    .map((record): CreditFactor => {
      const elapsed = atMs - Date.parse(record.occurredAt.slice(0, 23) + 'Z');
      const ageDays = (elapsed - (elapsed % DAY_MS)) / DAY_MS;
      const weight = model.weights[record.category][record.severity];
      const decayPercent = decayAt(model, ageDays);
      const product = weight * decayPercent;
      return { recordId: record.recordId, category: record.category, severity: record.severity, ageDays, weight, decayPercent, contribution: (product - (product % 100)) / 100 };
    });
  const sum = factors.reduce((total, factor) => total + factor.contribution, model.baseScore);
  const score = Math.min(model.maxScore, Math.max(model.minScore, sum));
  const lists = [...new Set(factors.map((factor) => listOf(factor.category)).filter((list): list is CreditListName => list !== undefined))].sort();
  return { score, grade: gradeOf(model, score), factors, lists };
}

/** The grade a score earns under `model`. */
export function gradeOf(model: CreditEvaluationModel, score: number): CreditGrade {
  const { A, B, C } = model.gradeThresholds;
  return score >= A ? 'A' : score >= B ? 'B' : score >= C ? 'C' : 'D';
}

function decayAt(model: CreditEvaluationModel, ageDays: number): number {
  let percent = model.decay[0]?.percent ?? 100;
  for (const step of model.decay) if (ageDays >= step.fromDays) percent = step.percent;
  return percent;
}
