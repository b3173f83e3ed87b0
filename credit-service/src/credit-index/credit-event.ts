import type { ChaincodeEvent } from '@hyperledger/fabric-gateway';
import {
  canonicalJson,
  CREDIT_EVENTS,
  creditGrades,
  isCreditCategory,
  isCreditSeverity,
  type CreditEvaluation,
  type CreditEventPayload,
  type StoredCreditEvaluationModel,
  type StoredCreditObjection,
  type StoredCreditRecord,
  type StoredCreditRepair,
} from '@citytrust/shared';
import type { LedgerPosition } from '../trails-index/ledger-record';

/**
 * A record of the credit contract as the index keeps it: a credit record, an objection, a repair,
 * a model, an evaluation (the subject's history), or the subject's standing (its latest
 * evaluation, one row per subject). One `credit.*` event carries several: a submitted record and
 * the evaluation it caused, an answered objection with the changed record and its evaluation.
 */
export type CreditLedgerRecord = LedgerPosition & {
  /** The part of the event it came from, as canonical JSON: the same bytes as in the event's payload. */
  readonly payload: string;
} & (
  | { readonly kind: 'credit-record'; readonly record: StoredCreditRecord }
  | { readonly kind: 'credit-objection'; readonly record: StoredCreditObjection }
  | { readonly kind: 'credit-repair'; readonly record: StoredCreditRepair }
  | { readonly kind: 'credit-model'; readonly record: StoredCreditEvaluationModel }
  | { readonly kind: 'credit-evaluation'; readonly record: CreditEvaluation }
  | { readonly kind: 'credit-standing'; readonly record: CreditEvaluation }
);

export type ReadCreditEvent =
  | { readonly outcome: 'records'; readonly records: readonly CreditLedgerRecord[] }
  | { readonly outcome: 'ignored' }
  | { readonly outcome: 'malformed'; readonly reason: string };

const creditEventNames = new Set<string>(Object.values(CREDIT_EVENTS));

/**
 * Reads one chaincode event of the credit contract. The chaincode checked and sealed everything
 * before setting the event, so this only guards the index against a payload that is not what the
 * event's name promises: such an event is malformed and skipped whole, never half-indexed.
 * `credit.permission` events are read but not indexed (the gateway answers them from the ledger).
 */
export function readCreditEvent(event: Pick<ChaincodeEvent, 'blockNumber' | 'transactionId' | 'eventName' | 'payload'>): ReadCreditEvent {
  if (!creditEventNames.has(event.eventName)) return { outcome: 'ignored' };
  let payload: CreditEventPayload;
  try {
    payload = JSON.parse(Buffer.from(event.payload.buffer, event.payload.byteOffset, event.payload.byteLength).toString('utf8')) as CreditEventPayload;
  } catch {
    return { outcome: 'malformed', reason: `the ${event.eventName} payload is not JSON` };
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return { outcome: 'malformed', reason: `the ${event.eventName} payload is not a JSON object` };
  const problem = payloadProblem(payload);
  if (problem) return { outcome: 'malformed', reason: `the ${event.eventName} payload ${problem}` };
  const position = { blockNumber: event.blockNumber, transactionId: event.transactionId };
  const records: CreditLedgerRecord[] = [];
  const add = (kind: CreditLedgerRecord['kind'], record: object) => records.push({ kind, record, payload: canonicalJson(record), ...position } as CreditLedgerRecord);
  if (payload.model) add('credit-model', payload.model);
  if (payload.record) add('credit-record', payload.record);
  if (payload.objection) add('credit-objection', payload.objection);
  if (payload.repair) add('credit-repair', payload.repair);
  if (payload.evaluation) {
    add('credit-evaluation', payload.evaluation);
    add('credit-standing', payload.evaluation);
  }
  return { outcome: 'records', records };
}

type Check = (value: unknown) => boolean;
const text: Check = (value) => typeof value === 'string';
const integer: Check = (value) => Number.isInteger(value);
const object: Check = (value) => typeof value === 'object' && value !== null && !Array.isArray(value);
const list: Check = (value) => Array.isArray(value);
const subject: Check = (value) => {
  const s = value as { kind?: unknown; uscc?: unknown; subjectKey?: unknown } | undefined;
  return (s?.kind === 'enterprise' && typeof s.uscc === 'string') || (s?.kind === 'person' && typeof s.subjectKey === 'string');
};

const shapes: Record<Exclude<keyof CreditEventPayload, 'permission'>, Record<string, Check>> = {
  record: {
    recordId: text, subject, department: text, category: isCreditCategory, severity: isCreditSeverity, status: text, occurredAt: text,
    effectiveUntil: text, repairableFrom: text, recordedAt: text, published: (v) => typeof v === 'boolean', disclosureMonths: integer, seal: object,
  },
  objection: { recordId: text, subject, department: text, reason: text, raisedAt: text, answerBy: text, status: text, seal: object },
  repair: { recordId: text, subject, department: text, commitment: text, appliedAt: text, status: text, seal: object },
  model: { version: integer, name: text, registeredAt: text, seal: object },
  evaluation: {
    evaluationId: text, subject, modelVersion: integer, score: integer, grade: (v) => (creditGrades as readonly unknown[]).includes(v), evaluatedAt: text,
    factors: list, lists: list, trigger: object,
  },
};

function payloadProblem(payload: CreditEventPayload): string | undefined {
  for (const [part, fields] of Object.entries(shapes)) {
    const value = payload[part as keyof typeof shapes] as Record<string, unknown> | undefined;
    if (value === undefined) continue;
    const article = /^[aeiou]/.test(part) ? 'an' : 'a';
    if (!object(value)) return `has ${article} ${part} that is not an object`;
    for (const [field, check] of Object.entries(fields)) {
      if (!check(value[field])) return `has ${article} ${part} without a valid ${field}`;
    }
  }
  return undefined;
}
