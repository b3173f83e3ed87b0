import {
  canonicalJson,
  evaluateCredit,
  type CreditEvaluation,
  type CreditSubject,
  type EvaluationTrigger,
  type StoredCreditEvaluationModel,
  type StoredCreditRecord,
} from '@citytrust/shared';
import type { Context } from 'fabric-contract-api';
import { isoTimestamp } from '../ledger-timestamp';
import { drain } from '../query-iterators';
import { subjectKeyPart } from '../trails/data-subject';
import { CREDIT_OBJECT_TYPES, modelVersionPart } from './credit-keys';
import { CreditRefusedError } from './credit-refusal';

/**
 * Reading and writing the credit contract's state, and the one way a subject is (re-)evaluated.
 * Kept apart from the contract so that the transactions read as the rules they enforce.
 */

export function recordKey(ctx: Context, record: Pick<StoredCreditRecord, 'subject' | 'recordId'>): string {
  return ctx.stub.createCompositeKey(CREDIT_OBJECT_TYPES.record, [subjectKeyPart(record.subject), record.recordId]);
}

export async function readJson<T>(ctx: Context, objectType: string, attributes: string[]): Promise<T | undefined> {
  const bytes = await ctx.stub.getState(ctx.stub.createCompositeKey(objectType, attributes));
  return bytes.length === 0 ? undefined : JSON.parse(Buffer.from(bytes).toString('utf8')) as T;
}

export async function putJson(ctx: Context, key: string, value: object): Promise<void> {
  await ctx.stub.putState(key, Buffer.from(canonicalJson(value)));
}

export async function readRecord(ctx: Context, recordId: string): Promise<StoredCreditRecord> {
  const pointer = await ctx.stub.getState(ctx.stub.createCompositeKey(CREDIT_OBJECT_TYPES.recordId, [recordId]));
  if (pointer.length === 0) throw new CreditRefusedError('unknown_record', `${recordId} is not a recorded credit record`);
  return JSON.parse(Buffer.from(await ctx.stub.getState(Buffer.from(pointer).toString('utf8'))).toString('utf8')) as StoredCreditRecord;
}

/** Stores a new or changed record; a new one also gets its id pointer. */
export async function storeRecord(ctx: Context, record: StoredCreditRecord, isNew: boolean): Promise<void> {
  const key = recordKey(ctx, record);
  await putJson(ctx, key, record);
  if (isNew) await ctx.stub.putState(ctx.stub.createCompositeKey(CREDIT_OBJECT_TYPES.recordId, [record.recordId]), Buffer.from(key));
}

/** The model evaluations use now, or undefined before the credit office registered one. */
export async function currentModel(ctx: Context): Promise<StoredCreditEvaluationModel | undefined> {
  const version = await ctx.stub.getState(ctx.stub.createCompositeKey(CREDIT_OBJECT_TYPES.currentModel, []));
  if (version.length === 0) return undefined;
  return readJson<StoredCreditEvaluationModel>(ctx, CREDIT_OBJECT_TYPES.model, [modelVersionPart(Number(Buffer.from(version).toString('utf8')))]);
}

export async function subjectRecords(ctx: Context, subject: CreditSubject): Promise<StoredCreditRecord[]> {
  const iterator = await ctx.stub.getStateByPartialCompositeKey(CREDIT_OBJECT_TYPES.record, [subjectKeyPart(subject)]);
  return (await drain(iterator)).map((kv) => JSON.parse(Buffer.from(kv.value).toString('utf8')) as StoredCreditRecord);
}

/**
 * Evaluates `subject` under the current model at the transaction's time and stores the
 * evaluation with the one it replaces, updating the subject's list memberships. `changed` are
 * records this transaction wrote: a range read sees committed state only, so they replace their
 * committed versions here. Returns undefined, writing nothing, while no model is registered.
 */
export async function reevaluate(ctx: Context, subject: CreditSubject, trigger: EvaluationTrigger, changed: readonly StoredCreditRecord[] = []): Promise<CreditEvaluation | undefined> {
  const model = await currentModel(ctx);
  if (!model) return undefined;
  const at = isoTimestamp(ctx.stub.getTxTimestamp());
  const byId = new Map((await subjectRecords(ctx, subject)).map((record) => [record.recordId, record]));
  for (const record of changed) byId.set(record.recordId, record);
  const result = evaluateCredit(model, [...byId.values()], at);
  const subjectPart = subjectKeyPart(subject);
  const evaluationKey = ctx.stub.createCompositeKey(CREDIT_OBJECT_TYPES.evaluation, [subjectPart]);
  const before = await readJson<CreditEvaluation>(ctx, CREDIT_OBJECT_TYPES.evaluation, [subjectPart]);
  const evaluation: CreditEvaluation = {
    subject,
    modelVersion: model.version,
    ...result,
    evaluatedAt: at,
    trigger,
    evaluationId: ctx.stub.getTxID(),
    ...(before ? { previous: { grade: before.grade, score: before.score, modelVersion: before.modelVersion, evaluatedAt: before.evaluatedAt, evaluationId: before.evaluationId } } : {}),
  };
  await putJson(ctx, evaluationKey, evaluation);
  for (const list of before?.lists ?? []) {
    if (!result.lists.includes(list)) await ctx.stub.deleteState(ctx.stub.createCompositeKey(CREDIT_OBJECT_TYPES.listMember, [list, subjectPart]));
  }
  for (const list of result.lists) {
    if (!before?.lists.includes(list)) await putJson(ctx, ctx.stub.createCompositeKey(CREDIT_OBJECT_TYPES.listMember, [list, subjectPart]), { list, subject, since: at });
  }
  return evaluation;
}
