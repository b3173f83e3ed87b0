/**
 * The credit evaluation model (信用评价模型) as the credit office registers it on the ledger. The
 * plans give no scoring formula, so the formula is configuration anyone can read, versioned, and
 * every evaluation names the version it used:
 *
 *     score = clamp(baseScore + Σ trunc(weight[category][severity] × decay%(age) / 100), minScore, maxScore)
 *     grade = A if score ≥ thresholds.A, else B if ≥ thresholds.B, else C if ≥ thresholds.C, else D
 *
 * over the subject's records in effect. Every number is an integer, so every endorser computes
 * the same score to the bit.
 */
import type { StoredSeal } from '../seals/seal-records';
import type { CreditCategory, CreditSeverity } from './credit-categories';

/** A credit grade, best first. */
export type CreditGrade = 'A' | 'B' | 'C' | 'D';

export const creditGrades: readonly CreditGrade[] = ['A', 'B', 'C', 'D'];

/**
 * One step of the time decay: a record at least `fromDays` old (and younger than the next step)
 * counts `percent` of its weight. The first step is at day 0.
 */
export interface DecayStep {
  readonly fromDays: number;
  readonly percent: number;
}

export interface CreditEvaluationModel {
  /** 1 for the first model, one more for each that replaces it. */
  readonly version: number;
  readonly name: string;
  /** Where the model comes from: the policy document or decision that adopted it. */
  readonly basis: string;
  /** The score of a subject with no records in effect. */
  readonly baseScore: number;
  readonly minScore: number;
  readonly maxScore: number;
  /** Points by category and severity: positive for 守信, negative for 失信. Every cell is given. */
  readonly weights: Readonly<Record<CreditCategory, Readonly<Record<CreditSeverity, number>>>>;
  /** Non-increasing percentages by age, the first from day 0. */
  readonly decay: readonly DecayStep[];
  /** The lowest score of grades A, B and C; below C's is D. */
  readonly gradeThresholds: { readonly A: number; readonly B: number; readonly C: number };
}

/** A model as stored: who registered it (the credit office), when, and its seal. */
export interface StoredCreditEvaluationModel extends CreditEvaluationModel {
  readonly registeredAt: string;
  readonly seal: StoredSeal;
}

/** The largest weight, score or threshold a model may hold: sums of 10⁴ records stay exact. */
export const MAX_MODEL_POINTS = 100_000;
