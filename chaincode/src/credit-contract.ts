import {

  canonicalJson,
  CREDIT_EVENTS,
  CREDIT_OBJECTION_ANSWER_DAYS,
  CREDIT_OFFICE_DEPARTMENT,
  creditLists,
  disclosureWindowOf,
  polarityOf,
  recordWindow,
  type CreditEvaluation,
  type CreditEventName,
  type CreditEventPayload,
  type CreditRecordPage,
  type CreditSubject,
  type StoredCreditCategoryPermission,
  type StoredCreditEvaluationModel,
  type StoredCreditObjection,
  type StoredCreditRecord,
  type StoredCreditRepair,
  type StoredSeal,
  isSameSubject,
} from '@citytrust/shared';
import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import type { Iterators, StateQueryResponse } from 'fabric-shim';
import { InvalidArgumentError, parsePageSize } from './arguments';
import { CREDIT_OBJECT_TYPES, modelVersionPart } from './credit/credit-keys';
import { parseCategoryPermission, parseCreditRecord, parseEvaluationModel, parseObjectionAnswer, parseRepairDecision, parseSubjectRequest } from './credit/credit-fields';
import { currentModel, putJson, readJson, readRecord, reevaluate, storeRecord } from './credit/credit-ledger';
import { CreditRefusedError } from './credit/credit-refusal';
import { drain } from './query-iterators';
import { parseSeal } from './seals/seal-argument';
import { requireSealedRecord } from './seals/seal-verification';
import { submittingDepartment } from './seals/submitter';
import { parseDataSubject, subjectKeyPart } from './trails/data-subject';

/**
 * The credit ledger (社会信用): one resource pool of credit records (信用信息) fed by every
 * department (R41, R50), evaluated transparently, disputable and repairable.
 *
 * - The credit office sets which department may submit which category, and registers the
 *   evaluation models; both are on the ledger for anyone to read.
 * - A source department submits a record, sealed; the subject is re-evaluated under the current
 *   model and the evaluation is stored with its factors and the grade it replaced.
 * - The subject objects (异议) through the citizen service; the source department upholds,
 *   corrects or withdraws the record, and the subject is re-evaluated.
 * - After the minimum period of its window, the subject applies to repair (信用修复) a failing with
 *   a credit commitment; when the source department approves, the record stops being disclosed
 *   and counted, and the `credit.repair` event lets other platforms follow.
 * - A record stops counting at the end of its window by itself; `reevaluate` brings a subject's
 *   stored evaluation up to date with that.
 *
 * Each transaction sets one event carrying what it stored. Refusals are `[credit:<check>] reason`.
 */
@Info({ title: 'CreditContract', description: 'Credit records, evaluations, objections, repair and red and black lists' })
export class CreditContract extends Contract {
  constructor() {
    super('credit');
  }

  /** The credit office sets the categories a department may submit, replacing what it had. */
  @Transaction()
  @Returns('string')
  async setCategoryPermission(ctx: Context, permissionJson: string, sealJson: string): Promise<string> {
    const permission = parseCategoryPermission(permissionJson);
    requireCreditOffice(ctx, 'set which department may submit which category');
    const seal = await sealedAsSent(ctx, permissionJson, sealJson);
    const stored: StoredCreditCategoryPermission = { ...permission, setAt: seal.sealedAt, seal };
    await putJson(ctx, ctx.stub.createCompositeKey(CREDIT_OBJECT_TYPES.permission, [permission.department]), stored);
    return emit(ctx, CREDIT_EVENTS.permission, { permission: stored }, stored);
  }

  /**
   * The credit office registers an evaluation model, one version after the current one; it is
   * used from this transaction on. Subjects are re-evaluated under it at their next change or
   * `reevaluate`; their stored evaluations keep naming the version they used.
   */
  @Transaction()
  @Returns('string')
  async registerModel(ctx: Context, modelJson: string, sealJson: string): Promise<string> {
    const model = parseEvaluationModel(modelJson);
    requireCreditOffice(ctx, 'register an evaluation model');
    const current = await currentModel(ctx);
    const expected = (current?.version ?? 0) + 1;
    if (model.version !== expected) throw new CreditRefusedError('model_version', `the next model is version ${expected}${current ? ` (the current one is ${current.version})` : ''}, got ${model.version}`);
    const seal = await sealedAsSent(ctx, modelJson, sealJson);
    const stored: StoredCreditEvaluationModel = { ...model, registeredAt: seal.sealedAt, seal };
    await putJson(ctx, ctx.stub.createCompositeKey(CREDIT_OBJECT_TYPES.model, [modelVersionPart(model.version)]), stored);
    await ctx.stub.putState(ctx.stub.createCompositeKey(CREDIT_OBJECT_TYPES.currentModel, []), Buffer.from(String(model.version)));
    return emit(ctx, CREDIT_EVENTS.model, { model: stored }, stored);
  }

  /**
   * A source department submits a credit record it may submit, sealed, within the window for its
   * category and severity; the subject is re-evaluated. Returns `{record, evaluation}`.
   */
  @Transaction()
  @Returns('string')
  async submitRecord(ctx: Context, recordJson: string, sealJson: string): Promise<string> {
    const record = parseCreditRecord(recordJson);
    const department = submittingDepartment(ctx);
    const permission = await readJson<StoredCreditCategoryPermission>(ctx, CREDIT_OBJECT_TYPES.permission, [department]);
    if (!permission?.categories.includes(record.category)) {
      throw new CreditRefusedError('category_not_permitted', `${department} may not submit ${record.category} records${permission ? ` (it may submit ${permission.categories.join(', ')})` : ' (it may submit none yet)'}; the credit office grants categories`);
    }
    const window = disclosureWindowOf(record.category, record.severity);
    const months = record.disclosureMonths ?? window.defaultMonths;
    if (months < window.minimumMonths || months > window.maximumMonths) {
      throw new CreditRefusedError('disclosure_out_of_window', `${record.category} records of severity ${record.severity} are in effect for ${window.minimumMonths} to ${window.maximumMonths} months, got ${months}`);
    }
    const seal = await sealedAsSent(ctx, recordJson, sealJson);
    if (record.occurredAt > seal.sealedAt) throw new CreditRefusedError('occurred_in_future', `occurredAt ${record.occurredAt} is after the transaction's time ${seal.sealedAt}: record what has happened`);
    const stored: StoredCreditRecord = {
      ...record,
      ...recordWindow(record.category, record.severity, record.occurredAt, months),
      recordId: ctx.stub.getTxID(),
      department,
      published: window.published,
      status: 'active',
      recordedAt: seal.sealedAt,
      seal,
    };
    await storeRecord(ctx, stored, true);
    const evaluation = await reevaluate(ctx, stored.subject, { kind: 'record', recordId: stored.recordId }, [stored]);
    return emit(ctx, CREDIT_EVENTS.record, { record: stored, ...(evaluation ? { evaluation } : {}) });
  }

  /**
   * Records a subject's objection (异议) to a record about them, raised for them through the
   * citizen service: the record is under objection until its source department answers, which
   * it must do within {@link CREDIT_OBJECTION_ANSWER_DAYS} days.
   */
  @Transaction()
  @Returns('string')
  async objectToRecord(ctx: Context, objectionJson: string, sealJson: string): Promise<string> {
    const request = parseSubjectRequest('objection', objectionJson);
    const record = await readOwnRecord(ctx, request.recordId, request.subject, 'objects to');
    if (await readJson(ctx, CREDIT_OBJECT_TYPES.objection, [record.recordId])) throw new CreditRefusedError('already_objected', `record ${record.recordId} has already been objected to; see its objection`);
    const seal = await sealedAsSent(ctx, objectionJson, sealJson);
    requireInEffect(record, seal.sealedAt);
    const objection: StoredCreditObjection = {
      recordId: record.recordId, subject: record.subject, department: record.department, reason: request.text,
      raisedAt: seal.sealedAt, answerBy: addDays(seal.sealedAt, CREDIT_OBJECTION_ANSWER_DAYS), status: 'open', seal,
    };
    const underObjection: StoredCreditRecord = { ...record, status: 'under-objection' };
    await putJson(ctx, ctx.stub.createCompositeKey(CREDIT_OBJECT_TYPES.objection, [record.recordId]), objection);
    await storeRecord(ctx, underObjection, false);
    return emit(ctx, CREDIT_EVENTS.objection, { objection, record: underObjection });
  }

  /**
   * The source department answers an objection: `upheld` (the record stands), `corrected` (with
   * the severity it has from now on, its window re-fitted) or `withdrawn` (it stops counting).
   * The subject is re-evaluated.
   */
  @Transaction()
  @Returns('string')
  async answerObjection(ctx: Context, answerJson: string, sealJson: string): Promise<string> {
    const answer = parseObjectionAnswer(answerJson);
    const objection = await readJson<StoredCreditObjection>(ctx, CREDIT_OBJECT_TYPES.objection, [answer.recordId]);
    if (!objection) throw new CreditRefusedError('unknown_objection', `no objection to record ${answer.recordId} is recorded`);
    requireSourceDepartment(ctx, objection.department, `the objection to record ${answer.recordId}`, 'answers it');
    if (objection.status === 'answered') throw new CreditRefusedError('already_answered', `the objection to record ${answer.recordId} was answered at ${objection.answer?.answeredAt}`);
    const seal = await sealedAsSent(ctx, answerJson, sealJson);
    const record = await readRecord(ctx, answer.recordId);
    const answered: StoredCreditObjection = {
      ...objection,
      status: 'answered',
      answer: { outcome: answer.outcome, text: answer.text, ...(answer.correctedSeverity ? { correctedSeverity: answer.correctedSeverity } : {}), answeredAt: seal.sealedAt, late: seal.sealedAt > objection.answerBy, seal },
    };
    const changed = answeredRecord(record, answer, seal.sealedAt);
    await putJson(ctx, ctx.stub.createCompositeKey(CREDIT_OBJECT_TYPES.objection, [answer.recordId]), answered);
    await storeRecord(ctx, changed, false);
    const evaluation = await reevaluate(ctx, record.subject, { kind: 'objection', recordId: record.recordId }, [changed]);
    return emit(ctx, CREDIT_EVENTS.objection, { objection: answered, record: changed, ...(evaluation ? { evaluation } : {}) });
  }

  /**
   * Records a subject's application to repair (信用修复) a failing, with their credit commitment
   * (信用承诺), made for them through the citizen service. Refused before the minimum period of
   * the record's window, while an objection to it is open, or once it has ended.
   */
  @Transaction()
  @Returns('string')
  async applyForRepair(ctx: Context, applicationJson: string, sealJson: string): Promise<string> {
    const request = parseSubjectRequest('application', applicationJson);
    const record = await readOwnRecord(ctx, request.recordId, request.subject, 'applies to repair');
    if (polarityOf(record.category) === 'positive') throw new CreditRefusedError('not_repairable', `record ${record.recordId} is a ${record.category} record, not a failing: only failings are repaired`);
    const existing = await readJson<StoredCreditRepair>(ctx, CREDIT_OBJECT_TYPES.repair, [record.recordId]);
    if (existing?.status === 'pending') throw new CreditRefusedError('repair_pending', `a repair of record ${record.recordId} applied for at ${existing.appliedAt} awaits ${existing.department}'s decision`);
    const seal = await sealedAsSent(ctx, applicationJson, sealJson);
    requireInEffect(record, seal.sealedAt);
    if (record.status === 'under-objection') throw new CreditRefusedError('objection_open', `record ${record.recordId} is under objection; apply to repair it once ${record.department} has answered`);
    if (seal.sealedAt < record.repairableFrom) {
      const window = disclosureWindowOf(record.category, record.severity);
      throw new CreditRefusedError('repair_too_early', `record ${record.recordId} may be repaired from ${record.repairableFrom}: failings of severity ${record.severity} are disclosed for at least ${window.minimumMonths} months`);
    }
    const repair: StoredCreditRepair = { recordId: record.recordId, subject: record.subject, department: record.department, commitment: request.text, appliedAt: seal.sealedAt, status: 'pending', seal };
    await putJson(ctx, ctx.stub.createCompositeKey(CREDIT_OBJECT_TYPES.repair, [record.recordId]), repair);
    return emit(ctx, CREDIT_EVENTS.repair, { repair });
  }

  /**
   * The source department approves or rejects a repair. Approved, the record is repaired: it is
   * no longer disclosed or counted, and the subject is re-evaluated.
   */
  @Transaction()
  @Returns('string')
  async decideRepair(ctx: Context, decisionJson: string, sealJson: string): Promise<string> {
    const decision = parseRepairDecision(decisionJson);
    const repair = await readJson<StoredCreditRepair>(ctx, CREDIT_OBJECT_TYPES.repair, [decision.recordId]);
    if (!repair) throw new CreditRefusedError('unknown_repair', `no repair of record ${decision.recordId} has been applied for`);
    requireSourceDepartment(ctx, repair.department, `the repair of record ${decision.recordId}`, 'decides it');
    if (repair.status !== 'pending') throw new CreditRefusedError('already_answered', `the repair of record ${decision.recordId} was already ${repair.status} at ${repair.decision?.decidedAt}`);
    const seal = await sealedAsSent(ctx, decisionJson, sealJson);
    const decided: StoredCreditRepair = { ...repair, status: decision.outcome, decision: { outcome: decision.outcome, text: decision.text, decidedAt: seal.sealedAt, seal } };
    await putJson(ctx, ctx.stub.createCompositeKey(CREDIT_OBJECT_TYPES.repair, [decision.recordId]), decided);
    if (decision.outcome === 'rejected') return emit(ctx, CREDIT_EVENTS.repair, { repair: decided });
    const record = await readRecord(ctx, decision.recordId);
    requireInEffect(record, seal.sealedAt);
    const repaired: StoredCreditRecord = { ...record, status: 'repaired', endedAt: seal.sealedAt };
    await storeRecord(ctx, repaired, false);
    const evaluation = await reevaluate(ctx, record.subject, { kind: 'repair', recordId: record.recordId }, [repaired]);
    return emit(ctx, CREDIT_EVENTS.repair, { repair: decided, record: repaired, ...(evaluation ? { evaluation } : {}) });
  }

  /**
   * The credit office re-evaluates a subject now: for records whose window has ended since the
   * last evaluation (expiry happens by itself, but a stored evaluation changes only in a
   * transaction) and after a new model version.
   */
  @Transaction()
  @Returns('string')
  async reevaluate(ctx: Context, subjectJson: string): Promise<string> {
    const subject = parseSubjectArgument(subjectJson);
    requireCreditOffice(ctx, 're-evaluate a subject');
    const evaluation = await reevaluate(ctx, subject, { kind: 'reevaluation' });
    if (!evaluation) throw new CreditRefusedError('no_model', 'no evaluation model is registered yet; the credit office registers one first');
    return emit(ctx, CREDIT_EVENTS.evaluation, { evaluation }, evaluation);
  }

  @Transaction(false)
  @Returns('string')
  async getRecord(ctx: Context, recordId: string): Promise<string> {
    return canonicalJson(await readRecord(ctx, recordId));
  }

  /** A subject's records in record-id order, a page at a time (`pageSize` 1 to 1000). */
  @Transaction(false)
  @Returns('string')
  async listSubjectRecords(ctx: Context, subjectJson: string, pageSize: string, bookmark: string): Promise<string> {
    const subject = parseSubjectArgument(subjectJson);
    const { iterator, metadata } = await pagedRange(ctx, CREDIT_OBJECT_TYPES.record, [subjectKeyPart(subject)], pageSize, bookmark);
    const page: CreditRecordPage = { records: (await drain(iterator)).map((kv) => JSON.parse(Buffer.from(kv.value).toString('utf8')) as StoredCreditRecord), bookmark: metadata?.bookmark ?? '' };
    return canonicalJson(page);
  }

  /** The subject's latest evaluation. */
  @Transaction(false)
  @Returns('string')
  async getEvaluation(ctx: Context, subjectJson: string): Promise<string> {
    const subject = parseSubjectArgument(subjectJson);
    const evaluation = await readJson<CreditEvaluation>(ctx, CREDIT_OBJECT_TYPES.evaluation, [subjectKeyPart(subject)]);
    if (!evaluation) throw new CreditRefusedError('unknown_evaluation', 'this subject has not been evaluated: it has no records since a model was registered');
    return canonicalJson(evaluation);
  }

  /** Every evaluation of a subject, newest first, from the ledger's history of its evaluation key. */
  @Transaction(false)
  @Returns('string')
  async evaluationHistory(ctx: Context, subjectJson: string): Promise<string> {
    const subject = parseSubjectArgument(subjectJson);
    const history = await drain(await ctx.stub.getHistoryForKey(ctx.stub.createCompositeKey(CREDIT_OBJECT_TYPES.evaluation, [subjectKeyPart(subject)])));
    return canonicalJson(history.filter((entry) => !entry.isDelete).map((entry) => JSON.parse(Buffer.from(entry.value).toString('utf8')) as CreditEvaluation));
  }

  /** A model by version, or the current one for an empty version. */
  @Transaction(false)
  @Returns('string')
  async getModel(ctx: Context, version: string): Promise<string> {
    if (version !== '' && !/^[1-9][0-9]{0,6}$/.test(version)) throw new InvalidArgumentError('version', `must be a model version (a positive integer) or empty for the current model, got ${JSON.stringify(version)}`);
    const model = version === '' ? await currentModel(ctx) : await readJson<StoredCreditEvaluationModel>(ctx, CREDIT_OBJECT_TYPES.model, [modelVersionPart(Number(version))]);
    if (!model) throw new CreditRefusedError('unknown_model', version === '' ? 'no evaluation model is registered yet' : `no model version ${version} is registered`);
    return canonicalJson(model);
  }

  /** The categories a department may submit (none when the credit office has set nothing). */
  @Transaction(false)
  @Returns('string')
  async getCategoryPermission(ctx: Context, department: string): Promise<string> {
    const stored = await readJson<StoredCreditCategoryPermission>(ctx, CREDIT_OBJECT_TYPES.permission, [department]);
    return canonicalJson(stored ?? { department, categories: [] });
  }

  @Transaction(false)
  @Returns('string')
  async getObjection(ctx: Context, recordId: string): Promise<string> {
    const objection = await readJson<StoredCreditObjection>(ctx, CREDIT_OBJECT_TYPES.objection, [recordId]);
    if (!objection) throw new CreditRefusedError('unknown_objection', `no objection to record ${recordId} is recorded`);
    return canonicalJson(objection);
  }

  @Transaction(false)
  @Returns('string')
  async getRepair(ctx: Context, recordId: string): Promise<string> {
    const repair = await readJson<StoredCreditRepair>(ctx, CREDIT_OBJECT_TYPES.repair, [recordId]);
    if (!repair) throw new CreditRefusedError('unknown_repair', `no repair of record ${recordId} has been applied for`);
    return canonicalJson(repair);
  }

  /** The subjects on a red list or blacklist as of their last evaluation, a page at a time. */
  @Transaction(false)
  @Returns('string')
  async listMembers(ctx: Context, list: string, pageSize: string, bookmark: string): Promise<string> {
    if (!(creditLists as readonly string[]).includes(list)) throw new InvalidArgumentError('list', `must be one of ${creditLists.join(', ')}, got ${JSON.stringify(list)}`);
    const { iterator, metadata } = await pagedRange(ctx, CREDIT_OBJECT_TYPES.listMember, [list], pageSize, bookmark);
    const members = (await drain(iterator)).map((kv) => JSON.parse(Buffer.from(kv.value).toString('utf8')) as { subject: CreditSubject; since: string });
    return canonicalJson({ members: members.map(({ subject, since }) => ({ subject, since })), bookmark: metadata?.bookmark ?? '' });
  }
}

/** The record after an answer to its objection; a correction re-fits its window to the new severity. */
function answeredRecord(record: StoredCreditRecord, answer: ReturnType<typeof parseObjectionAnswer>, at: string): StoredCreditRecord {
  const restored: StoredCreditRecord = { ...record, status: 'active' };
  if (answer.outcome === 'withdrawn') return { ...record, status: 'withdrawn', endedAt: at };
  if (answer.outcome === 'upheld' || answer.correctedSeverity === undefined) return restored;
  const window = disclosureWindowOf(record.category, answer.correctedSeverity);
  const months = Math.min(window.maximumMonths, Math.max(window.minimumMonths, record.disclosureMonths));
  return {
    ...restored,
    severity: answer.correctedSeverity,
    published: window.published,
    ...recordWindow(record.category, answer.correctedSeverity, record.occurredAt, months),
    correctedFrom: { severity: record.severity, correctedAt: at },
  };
}

function requireCreditOffice(ctx: Context, action: string): void {
  const department = submittingDepartment(ctx);
  if (department !== CREDIT_OFFICE_DEPARTMENT) throw new CreditRefusedError('not_credit_office', `only the credit office (${CREDIT_OFFICE_DEPARTMENT}) may ${action}; this transaction comes from ${department}`);
}

function requireSourceDepartment(ctx: Context, source: string, what: string, verb: string): void {
  const department = submittingDepartment(ctx);
  if (department !== source) throw new CreditRefusedError('not_source_department', `${what} concerns a record of ${source}; only it ${verb}, not ${department}`);
}

/** The record, which must be about `subject`: a subject acts only on records about itself. */
async function readOwnRecord(ctx: Context, recordId: string, subject: CreditSubject, verb: string): Promise<StoredCreditRecord> {
  const record = await readRecord(ctx, recordId);
  if (!isSameSubject(record.subject, subject)) throw new CreditRefusedError('subject_mismatch', `record ${recordId} is not about this subject: a subject ${verb} only records about itself`);
  return record;
}

function requireInEffect(record: StoredCreditRecord, at: string): void {
  if (record.status === 'withdrawn' || record.status === 'repaired') throw new CreditRefusedError('record_ended', `record ${record.recordId} was ${record.status} at ${record.endedAt}`);
  if (at >= record.effectiveUntil) throw new CreditRefusedError('record_ended', `record ${record.recordId} ended by itself at ${record.effectiveUntil}, the end of its ${record.disclosureMonths}-month window`);
}

function parseSubjectArgument(json: string): CreditSubject {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new InvalidArgumentError('subject', 'must be a JSON subject {"kind":"enterprise","uscc"} or {"kind":"person","subjectKey"}');
  }
  return parseDataSubject('subject', parsed);
}

async function pagedRange(ctx: Context, objectType: string, attributes: string[], pageSize: string, bookmark: string): Promise<Partial<StateQueryResponse<Iterators.StateQueryIterator>> & { iterator: Iterators.StateQueryIterator }> {
  const size = parsePageSize('pageSize', pageSize);
  if (size < 1 || size > 1000) throw new InvalidArgumentError('pageSize', `must be from 1 to 1000, got ${size}`);
  // The shim leaves metadata out when its bytes are empty (no records and no bookmark), as a real
  // peer's empty page encodes; an absent bookmark means the last page.
  return ctx.stub.getStateByPartialCompositeKeyWithPagination(objectType, attributes, size, bookmark);
}

/** `ledgerTime` plus whole days, in the ledger's form. */
function addDays(ledgerTime: string, days: number): string {
  const date = new Date(Date.parse(ledgerTime.slice(0, 23) + 'Z') + days * 86_400_000).toISOString().slice(0, 19);
  return `${date}${ledgerTime.slice(19)}`;
}

/** Sets the transaction's one event and returns what the transaction answers (the payload unless told). */
function emit(ctx: Context, name: CreditEventName, payload: CreditEventPayload, answer: object = payload): string {
  ctx.stub.setEvent(name, Buffer.from(canonicalJson(payload)));
  return canonicalJson(answer);
}

/**
 * The seal check over a record argument exactly as the department sent and sealed it (its JSON
 * parsed, then canonicalised): what is stored may be normalised, but what was sealed is what came.
 */
function sealedAsSent(ctx: Context, recordJson: string, sealJson: string): Promise<StoredSeal> {
  return requireSealedRecord(ctx, JSON.parse(recordJson) as unknown, parseSeal('seal', sealJson));
}

