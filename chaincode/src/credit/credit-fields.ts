import {
  creditCategories,
  creditSeverities,
  MAX_MODEL_POINTS,
  type CreditCategory,
  type CreditCategoryPermission,
  type CreditEvaluationModel,
  type CreditObjectionOutcome,
  type CreditRecord,
  type CreditSeverity,
  type CreditSubject,
  type DecayStep,
} from '@citytrust/shared';
import { InvalidArgumentError } from '../arguments';
import { parseLedgerTime } from '../seals/ledger-time';
import { parseDataSubject } from '../trails/data-subject';
import { RecordFields } from '../trails/record-fields';
import { CreditRefusedError } from './credit-refusal';

/**
 * The credit contract's record arguments, each read once at the edge with messages that name the
 * field. Checks that need the ledger (permissions, windows, states) are the contract's.
 */
const HEX64 = /^[0-9a-f]{64}$/;
const MSP_ID = /^[A-Za-z][A-Za-z0-9]*MSP$/;
const MAX_DECAY_STEPS = 20;

export function parseCreditRecord(json: string): CreditRecord {
  const fields = RecordFields.parse('record', json, ['subject', 'category', 'severity', 'occurredAt', 'reference', 'documentDigest', 'disclosureMonths']);
  return {
    subject: parseDataSubject(fields.name('subject'), fields.raw('subject')),
    category: fields.oneOf('category', creditCategories),
    severity: fields.oneOf('severity', creditSeverities),
    occurredAt: parseLedgerTime(fields.name('occurredAt'), fields.string('occurredAt', /./, 'an RFC 3339 date-time', 40)),
    reference: fields.text('reference', 100),
    documentDigest: fields.string('documentDigest', HEX64, 'the SM3 digest of the source document (64 lower-case hex characters)'),
    ...(fields.has('disclosureMonths') ? { disclosureMonths: fields.integer('disclosureMonths', 0, 36) } : {}),
  };
}

export function parseCategoryPermission(json: string): CreditCategoryPermission {
  const fields = RecordFields.parse('permission', json, ['department', 'categories']);
  const categories = fields.strings('categories', /./, 'credit category', creditCategories.length);
  categories.forEach((category, index) => {
    if (!(creditCategories as readonly string[]).includes(category)) {
      throw new InvalidArgumentError(`permission.categories[${index}]`, `must be one of ${creditCategories.join(', ')}, got ${JSON.stringify(category)}`);
    }
  });
  return { department: fields.string('department', MSP_ID, 'a department\'s MSP id', 64), categories: [...categories].sort() as CreditCategory[] };
}

/** The subject's side of an objection or a repair application: which record, whose, and their words. */
export function parseSubjectRequest(argument: 'objection' | 'application', json: string): { recordId: string; subject: CreditSubject; text: string } {
  const textField = argument === 'objection' ? 'reason' : 'commitment';
  const fields = RecordFields.parse(argument, json, ['recordId', 'subject', textField]);
  return {
    recordId: fields.string('recordId', HEX64, 'a credit record id (64 hex characters)'),
    subject: parseDataSubject(fields.name('subject'), fields.raw('subject')),
    text: fields.text(textField, 2000),
  };
}

export function parseObjectionAnswer(json: string): { recordId: string; outcome: CreditObjectionOutcome; text: string; correctedSeverity?: CreditSeverity } {
  const fields = RecordFields.parse('answer', json, ['recordId', 'outcome', 'text', 'correctedSeverity']);
  const outcome = fields.oneOf('outcome', ['upheld', 'corrected', 'withdrawn'] as const);
  if ((outcome === 'corrected') !== fields.has('correctedSeverity')) {
    throw new InvalidArgumentError('answer.correctedSeverity', 'is given with the outcome "corrected", and only then: it is the severity the record has from now on');
  }
  return {
    recordId: fields.string('recordId', HEX64, 'a credit record id (64 hex characters)'),
    outcome,
    text: fields.text('text', 2000),
    ...(outcome === 'corrected' ? { correctedSeverity: fields.oneOf('correctedSeverity', creditSeverities) } : {}),
  };
}

export function parseRepairDecision(json: string): { recordId: string; outcome: 'approved' | 'rejected'; text: string } {
  const fields = RecordFields.parse('decision', json, ['recordId', 'outcome', 'text']);
  return {
    recordId: fields.string('recordId', HEX64, 'a credit record id (64 hex characters)'),
    outcome: fields.oneOf('outcome', ['approved', 'rejected'] as const),
    text: fields.text('text', 2000),
  };
}

/**
 * A model, with its arithmetic checked: every weight given and an integer, decay from day 0 with
 * days rising and percentages not rising, thresholds A > B > C inside the score range.
 */
export function parseEvaluationModel(json: string): CreditEvaluationModel {
  const fields = RecordFields.parse('model', json, ['version', 'name', 'basis', 'baseScore', 'minScore', 'maxScore', 'weights', 'decay', 'gradeThresholds']);
  const points = (name: string, value: unknown): number => {
    if (typeof value !== 'number' || !Number.isInteger(value) || Math.abs(value) > MAX_MODEL_POINTS) {
      throw new InvalidArgumentError(name, `must be an integer from -${MAX_MODEL_POINTS} to ${MAX_MODEL_POINTS}, got ${JSON.stringify(value ?? null)}`);
    }
    return value;
  };
  const weightsFields = RecordFields.of(fields.name('weights'), fields.raw('weights'), creditCategories);
  const weights = Object.fromEntries(creditCategories.map((category) => {
    const row = RecordFields.of(weightsFields.name(category), weightsFields.raw(category), creditSeverities);
    return [category, Object.fromEntries(creditSeverities.map((severity) => [severity, points(row.name(severity), row.raw(severity))]))];
  })) as CreditEvaluationModel['weights'];
  const thresholdFields = RecordFields.of(fields.name('gradeThresholds'), fields.raw('gradeThresholds'), ['A', 'B', 'C']);
  const model: CreditEvaluationModel = {
    version: fields.integer('version', 1, 1_000_000),
    name: fields.text('name', 200),
    basis: fields.text('basis', 500),
    baseScore: points(fields.name('baseScore'), fields.raw('baseScore')),
    minScore: points(fields.name('minScore'), fields.raw('minScore')),
    maxScore: points(fields.name('maxScore'), fields.raw('maxScore')),
    weights,
    decay: parseDecay(fields.name('decay'), fields.raw('decay')),
    gradeThresholds: { A: points(thresholdFields.name('A'), thresholdFields.raw('A')), B: points(thresholdFields.name('B'), thresholdFields.raw('B')), C: points(thresholdFields.name('C'), thresholdFields.raw('C')) },
  };
  const { minScore, maxScore, baseScore, gradeThresholds: { A, B, C } } = model;
  if (!(minScore < maxScore && minScore <= baseScore && baseScore <= maxScore)) {
    throw new CreditRefusedError('invalid_model', `the scores must satisfy minScore < maxScore and minScore ≤ baseScore ≤ maxScore, got ${minScore}, ${baseScore}, ${maxScore}`);
  }
  if (!(maxScore >= A && A > B && B > C && C > minScore)) {
    throw new CreditRefusedError('invalid_model', `the grade thresholds must satisfy maxScore ≥ A > B > C > minScore, got A ${A}, B ${B}, C ${C} in ${minScore}..${maxScore}`);
  }
  return model;
}

function parseDecay(name: string, value: unknown): DecayStep[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_DECAY_STEPS) throw new InvalidArgumentError(name, `must be an array of 1 to ${MAX_DECAY_STEPS} steps {"fromDays","percent"}`);
  const steps = value.map((step: unknown, index) => {
    const fields = RecordFields.of(`${name}[${index}]`, step, ['fromDays', 'percent']);
    return { fromDays: fields.integer('fromDays', 0, 36_500), percent: fields.integer('percent', 0, 100) };
  });
  steps.forEach((step, index) => {
    const before = steps[index - 1];
    if (index === 0 && step.fromDays !== 0) throw new CreditRefusedError('invalid_model', `${name}[0].fromDays must be 0: the decay says how much a record counts from the day it occurred`);
    if (before && (step.fromDays <= before.fromDays || step.percent > before.percent)) {
      throw new CreditRefusedError('invalid_model', `${name}[${index}] must come later than the step before it (fromDays > ${before.fromDays}) and count no more (percent ≤ ${before.percent}): records do not gain weight with age`);
    }
  });
  return steps;
}
