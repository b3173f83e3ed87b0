import { creditCategories, creditSeverities, type CreditCategory, type CreditSeverity } from '../credit-categories';
import type { CreditEvaluationModel } from '../evaluation-model';

/**
 * An evaluation model for tests and benchmarks, with round numbers so that expected scores can be
 * worked out by hand. It is an example, not the city's model: the credit office registers that.
 */
export function exampleCreditModel(overrides: Partial<CreditEvaluationModel> = {}): CreditEvaluationModel {
  const points: Record<CreditCategory, number> = {
    'administrative-licence': 10,
    'administrative-penalty': -40,
    'red-list': 60,
    'seriously-dishonest-list': -200,
    'commitment-kept': 20,
    'commitment-broken': -60,
    'wage-arrears-blacklist': -150,
    'court-enforcement': -100,
    honour: 40,
  };
  const factor: Record<CreditSeverity, number> = { minor: 1, ordinary: 2, serious: 3 };
  const weights = Object.fromEntries(creditCategories.map((category) => [category, Object.fromEntries(creditSeverities.map((severity) => [severity, points[category] * factor[severity]]))])) as CreditEvaluationModel['weights'];
  return {
    version: 1,
    name: 'example model',
    basis: 'tests only',
    baseScore: 700,
    minScore: 0,
    maxScore: 1000,
    weights,
    decay: [{ fromDays: 0, percent: 100 }, { fromDays: 90, percent: 75 }, { fromDays: 365, percent: 50 }],
    gradeThresholds: { A: 800, B: 650, C: 500 },
    ...overrides,
  };
}
