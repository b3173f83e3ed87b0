import { Type, type Static } from '@sinclair/typebox';
import { creditCategories, creditLists, creditSeverities } from '@citytrust/shared';
import { DataSubjectInput } from './trail-schemas';

/**
 * The credit API's messages (credit records, permissions, models, evaluations, objections,
 * repair, lists). As everywhere in the API, one schema validates, types and documents. The
 * enumerations come from `@citytrust/shared`, the same lists the chaincode checks.
 */
const strict = { additionalProperties: false } as const;

const Hex64 = (description: string) => Type.String({ pattern: '^[0-9a-f]{64}$', description });
const MspId = Type.String({ pattern: '^[A-Za-z][A-Za-z0-9]*MSP$', maxLength: 64, description: 'A department, by its Fabric MSP id.' });
const LedgerTime = Type.String({ description: 'RFC 3339 with nine fraction digits, from the ledger.' });
const RecordId = Hex64('A credit record\'s id: the id of the transaction that recorded it.');
const literals = <T extends string>(values: readonly T[], description: string) => Type.Union(values.map((value) => Type.Literal(value)), { description });

export const CreditCategory = literals(creditCategories, 'The kind of record: 守信 (administrative-licence, red-list, commitment-kept, honour) or 失信 (the others).');
export const CreditSeverity = literals(creditSeverities, 'How grave (轻微 / 一般 / 严重); it sets the disclosure window of a failing.');
export const CreditList = literals(creditLists, 'The red list (红名单) or a blacklist (黑名单).');
const Grade = literals(['A', 'B', 'C', 'D'] as const, 'The credit grade, best first.');
const Points = Type.Integer({ minimum: -100_000, maximum: 100_000 });

const DataSubjectView = Type.Union([
  Type.Object({ kind: Type.Literal('enterprise'), uscc: Type.String() }),
  Type.Object({ kind: Type.Literal('person'), subjectKey: Hex64('The person\'s pseudonymous subject key.') }),
]);
const StoredSealView = Type.Object({
  keyId: Type.String(), digest: Type.String(), signature: Type.String(), department: Type.String(), sealedAt: LedgerTime,
}, { description: 'The submitting department\'s SM2 seal over the record (see /api/v1/seals/verify).' });

export const CreditRecordRequest = Type.Object({
  subject: DataSubjectInput,
  category: CreditCategory,
  severity: CreditSeverity,
  occurredAt: Type.String({ format: 'date-time', description: 'When the fact occurred or was decided (RFC 3339); not in the future. The window runs from here.' }),
  reference: Type.String({ minLength: 1, maxLength: 100, description: 'The source document\'s number, e.g. 市监罚〔2027〕12号.' }),
  documentDigest: Hex64('SM3 of the source document: the record points at its evidence without holding it.'),
  disclosureMonths: Type.Optional(Type.Integer({ minimum: 0, maximum: 36, description: 'Months in effect: failings minor 0–3 (never published), ordinary 3–12, serious 12–36 (NDRC rules from 2026-04-01); positive records 1–36. The maximum (positive: 12) when absent.' })),
}, strict);

export const CreditRecordView = Type.Object({
  recordId: RecordId, subject: DataSubjectView, category: Type.String(), severity: Type.String(), occurredAt: LedgerTime, reference: Type.String(), documentDigest: Type.String(),
  department: Type.String({ description: 'The source department.' }),
  disclosureMonths: Type.Integer(), published: Type.Boolean({ description: 'Whether it is published while in effect; a minor failing is not.' }),
  repairableFrom: LedgerTime, effectiveUntil: LedgerTime,
  status: literals(['active', 'under-objection', 'withdrawn', 'repaired'] as const, 'Expiry is not a status: a record stops counting at effectiveUntil by itself.'),
  recordedAt: LedgerTime, seal: StoredSealView,
  correctedFrom: Type.Optional(Type.Object({ severity: Type.String(), correctedAt: LedgerTime })),
  endedAt: Type.Optional(LedgerTime),
}, { title: 'CreditRecord' });

const FactorView = Type.Object({
  recordId: Type.String(), category: Type.String(), severity: Type.String(), ageDays: Type.Integer(), weight: Type.Integer(), decayPercent: Type.Integer(),
  contribution: Type.Integer({ description: 'trunc(weight × decayPercent / 100).' }),
});

export const CreditEvaluationView = Type.Object({
  subject: DataSubjectView,
  modelVersion: Type.Integer(), score: Type.Integer(), grade: Grade,
  factors: Type.Array(FactorView, { description: 'Every record in effect and what it added, in record-id order: the score is baseScore plus their contributions, held within the model\'s range.' }),
  lists: Type.Array(Type.String(), { description: 'The red list and blacklists the subject is on.' }),
  evaluatedAt: LedgerTime,
  trigger: Type.Object({ kind: Type.String({ description: 'record, objection, repair or reevaluation.' }), recordId: Type.Optional(Type.String()) }),
  evaluationId: Type.String({ description: 'The transaction that made it.' }),
  previous: Type.Optional(Type.Object({ grade: Grade, score: Type.Integer(), modelVersion: Type.Integer(), evaluatedAt: LedgerTime, evaluationId: Type.String() })),
}, { title: 'CreditEvaluation' });

export const CreditSubmissionView = Type.Object({
  record: CreditRecordView,
  evaluation: Type.Optional(CreditEvaluationView),
}, { description: 'The stored record and the evaluation it caused (absent while no model is registered).' });

export const CategoryPermissionRequest = Type.Object({ categories: Type.Array(CreditCategory, { maxItems: creditCategories.length, uniqueItems: true, description: 'Everything the department may submit from now on; empty takes every category away.' }) }, strict);
export const CategoryPermissionView = Type.Object({
  department: Type.String(), categories: Type.Array(Type.String()), setAt: Type.Optional(LedgerTime), seal: Type.Optional(StoredSealView),
});
export const DepartmentParams = Type.Object({ department: MspId }, strict);

const DecayStep = Type.Object({ fromDays: Type.Integer({ minimum: 0, maximum: 36_500 }), percent: Type.Integer({ minimum: 0, maximum: 100 }) }, strict);
const WeightRow = Type.Object(Object.fromEntries(creditSeverities.map((severity) => [severity, Points])), strict);
export const CreditModelRequest = Type.Object({
  version: Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'One more than the current model\'s (1 for the first).' }),
  name: Type.String({ minLength: 1, maxLength: 200 }),
  basis: Type.String({ minLength: 1, maxLength: 500, description: 'The policy document or decision that adopted the model.' }),
  baseScore: Points, minScore: Points, maxScore: Points,
  weights: Type.Object(Object.fromEntries(creditCategories.map((category) => [category, WeightRow])), { ...strict, description: 'Points by category and severity, every cell given.' }),
  decay: Type.Array(DecayStep, { minItems: 1, maxItems: 20, description: 'The share of its weight a record counts by age: from day 0, days rising, percentages not rising.' }),
  gradeThresholds: Type.Object({ A: Points, B: Points, C: Points }, { ...strict, description: 'The lowest score of each grade; maxScore ≥ A > B > C > minScore, and below C is D.' }),
}, { ...strict, description: 'score = clamp(baseScore + Σ trunc(weight × decay% / 100)) over the records in effect; integers throughout.' });
export const CreditModelView = Type.Object({
  version: Type.Integer(), name: Type.String(), basis: Type.String(), baseScore: Type.Integer(), minScore: Type.Integer(), maxScore: Type.Integer(),
  weights: Type.Record(Type.String(), Type.Record(Type.String(), Type.Integer())),
  decay: Type.Array(Type.Object({ fromDays: Type.Integer(), percent: Type.Integer() })),
  gradeThresholds: Type.Object({ A: Type.Integer(), B: Type.Integer(), C: Type.Integer() }),
  registeredAt: LedgerTime, seal: StoredSealView,
});
export const ModelVersionParams = Type.Object({ version: Type.String({ pattern: '^(current|[1-9][0-9]{0,6})$', description: 'A model version, or `current`.' }) }, strict);

export const RecordParams = Type.Object({ recordId: RecordId }, strict);
export const ObjectionAnswerRequest = Type.Object({
  outcome: literals(['upheld', 'corrected', 'withdrawn'] as const, 'upheld: the record stands; corrected: it takes correctedSeverity; withdrawn: it stops counting.'),
  text: Type.String({ minLength: 1, maxLength: 2000 }),
  correctedSeverity: Type.Optional(CreditSeverity),
}, strict);
export const RepairDecisionRequest = Type.Object({
  outcome: literals(['approved', 'rejected'] as const, 'approved: the record is repaired, no longer disclosed or counted.'),
  text: Type.String({ minLength: 1, maxLength: 2000 }),
}, strict);

export const CreditObjectionView = Type.Object({
  recordId: Type.String(), subject: DataSubjectView, department: Type.String(), reason: Type.String(), raisedAt: LedgerTime,
  answerBy: LedgerTime, status: literals(['open', 'answered'] as const, 'Whether the source department has answered.'), seal: StoredSealView,
  answer: Type.Optional(Type.Object({ outcome: Type.String(), text: Type.String(), correctedSeverity: Type.Optional(Type.String()), answeredAt: LedgerTime, late: Type.Boolean({ description: 'Answered after answerBy.' }), seal: StoredSealView })),
});
export const CreditObjectionOutcomeView = Type.Object({
  objection: CreditObjectionView, record: CreditRecordView, evaluation: Type.Optional(CreditEvaluationView),
});
export const CreditRepairView = Type.Object({
  recordId: Type.String(), subject: DataSubjectView, department: Type.String(), commitment: Type.String(), appliedAt: LedgerTime,
  status: literals(['pending', 'approved', 'rejected'] as const, 'The source department\'s decision, once made.'), seal: StoredSealView,
  decision: Type.Optional(Type.Object({ outcome: Type.String(), text: Type.String(), decidedAt: LedgerTime, seal: StoredSealView })),
});
export const CreditRepairOutcomeView = Type.Object({
  repair: CreditRepairView, record: Type.Optional(CreditRecordView), evaluation: Type.Optional(CreditEvaluationView),
});

export const SubjectRequest = Type.Object({ subject: DataSubjectInput }, strict);
const PageSize = Type.String({ pattern: '^([1-9][0-9]{0,2}|1000)$', default: '100', description: 'Per page, 1 to 1000.' });
const Bookmark = Type.String({ maxLength: 1000, default: '', description: 'From the previous page; empty for the first.' });
export const CreditProfileRequest = Type.Object({ subject: DataSubjectInput, pageSize: Type.Optional(PageSize), bookmark: Type.Optional(Bookmark) }, strict);
export const PageQuery = Type.Object({ pageSize: Type.Optional(PageSize), bookmark: Type.Optional(Bookmark) }, strict);
export const CreditProfileView = Type.Object({
  evaluation: Type.Optional(CreditEvaluationView),
  records: Type.Array(CreditRecordView, { description: 'Every record about the subject, in effect or not, in record-id order.' }),
  bookmark: Type.String({ description: 'Send it back for the next page of records; empty on the last.' }),
});
export const ListParams = Type.Object({ list: CreditList }, strict);
export const ListMembersView = Type.Object({
  members: Type.Array(Type.Object({ subject: DataSubjectView, since: LedgerTime })),
  bookmark: Type.String(),
});

export const CreditObjectionRequest = Type.Object({ recordId: RecordId, reason: Type.String({ minLength: 1, maxLength: 2000 }) }, strict);
export const CreditRepairRequest = Type.Object({ recordId: RecordId, commitment: Type.String({ minLength: 1, maxLength: 2000, description: 'Your credit commitment (信用承诺), in your words.' }) }, strict);

export type CreditRecordRequest = Static<typeof CreditRecordRequest>;
export type CreditModelRequest = Static<typeof CreditModelRequest>;
