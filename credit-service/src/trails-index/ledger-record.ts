import type { ChaincodeEvent } from '@hyperledger/fabric-gateway';
import { TRAIL_EVENTS, type DataSubject, type StoredAuthorization, type StoredDataItem, type StoredObjection, type StoredShareTrail } from '@citytrust/shared';
import { readCreditEvent, type CreditLedgerRecord } from '../credit-index/credit-event';

/** Where a record is on the ledger: the transaction that wrote (this version of) it, and its block. */
export interface LedgerPosition {
  readonly blockNumber: bigint;
  readonly transactionId: string;
}

/** A record the off-chain index keeps: the trail contract's or the credit contract's. */
export type LedgerRecord = TrailLedgerRecord | CreditLedgerRecord;

/** A record of the trail contract as one chaincode event carried it. */
export type TrailLedgerRecord = LedgerPosition & {
  /** The event's payload exactly as the ledger holds it (canonical JSON). */
  readonly payload: string;
} & (
  | { readonly kind: 'item'; readonly record: StoredDataItem }
  | { readonly kind: 'authorization'; readonly record: StoredAuthorization }
  | { readonly kind: 'access'; readonly record: StoredShareTrail }
  | { readonly kind: 'objection'; readonly record: StoredObjection }
);

/** What an event is to the index: a record, not the trail contract's (ignored), or a malformed one. */
export type ReadEvent =
  | { readonly outcome: 'record'; readonly record: TrailLedgerRecord }
  | { readonly outcome: 'ignored' }
  | { readonly outcome: 'malformed'; readonly reason: string };

type FieldType = 'string' | 'strings' | 'object' | 'number';
const required: Record<TrailLedgerRecord['kind'], Record<string, FieldType>> = {
  item: { code: 'string', name: 'string', owner: 'string', shareType: 'string', sensitivity: 'number', registeredAt: 'string', seal: 'object' },
  authorization: { authorizationId: 'string', kind: 'string', grantee: 'string', items: 'strings', purpose: 'string', validFrom: 'string', validUntil: 'string', status: 'string', recordedBy: 'string', recordedAt: 'string', seal: 'object' },
  access: { trailId: 'string', department: 'string', officer: 'string', subject: 'object', items: 'strings', purpose: 'string', authorizationId: 'string', caseReference: 'string', resultDigest: 'string', requestedAt: 'string', outcome: 'string', recordedAt: 'string', seal: 'object' },
  objection: { trailId: 'string', subject: 'object', department: 'string', reason: 'string', raisedAt: 'string', status: 'string', seal: 'object' },
};
const kindOfEvent = new Map<string, TrailLedgerRecord['kind']>(Object.entries(TRAIL_EVENTS).map(([kind, name]) => [name, kind as TrailLedgerRecord['kind']]));

/**
 * Reads one chaincode event. The chaincode checked every record before writing it, so this only
 * guards the index against what did not come from the trail contract: a payload that is not the
 * record the event's name promises is reported as malformed and skipped, never half-indexed.
 */
export function readTrailEvent(event: Pick<ChaincodeEvent, 'blockNumber' | 'transactionId' | 'eventName' | 'payload'>): ReadEvent {
  const kind = kindOfEvent.get(event.eventName);
  if (kind === undefined) return { outcome: 'ignored' };
  const payload = Buffer.from(event.payload.buffer, event.payload.byteOffset, event.payload.byteLength).toString('utf8');
  let record: unknown;
  try {
    record = JSON.parse(payload);
  } catch {
    return { outcome: 'malformed', reason: `the ${event.eventName} payload is not JSON` };
  }
  const problem = shapeProblem(record, required[kind]) ?? subjectProblem(kind, record as Record<string, unknown>);
  if (problem) return { outcome: 'malformed', reason: `the ${event.eventName} payload ${problem}` };
  return { outcome: 'record', record: { kind, record, payload, blockNumber: event.blockNumber, transactionId: event.transactionId } as TrailLedgerRecord };
}

/** What one event gives the index: its records (none for another contract's event), or why it is malformed. */
export type ReadLedgerEvent =
  | { readonly outcome: 'records'; readonly records: readonly LedgerRecord[] }
  | { readonly outcome: 'malformed'; readonly reason: string };

/**
 * The one dispatch of the off-chain index: a `trail.*` event gives its record, a `credit.*`
 * event the records it carries (see `readCreditEvent`), any other event nothing. The indexer and
 * `reconcile` both read the ledger through it, so they cannot disagree on what an event means.
 */
export function readLedgerEvent(event: Pick<ChaincodeEvent, 'blockNumber' | 'transactionId' | 'eventName' | 'payload'>): ReadLedgerEvent {
  const read = event.eventName.startsWith('credit.') ? readCreditEvent(event) : readTrailEvent(event);
  if (read.outcome === 'ignored') return { outcome: 'records', records: [] };
  if (read.outcome === 'record') return { outcome: 'records', records: [read.record] };
  return read;
}

function shapeProblem(record: unknown, fields: Record<string, FieldType>): string | undefined {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return 'is not a JSON object';
  const value = record as Record<string, unknown>;
  for (const [field, type] of Object.entries(fields)) {
    const actual = value[field];
    const ok = type === 'strings' ? Array.isArray(actual) && actual.every((item) => typeof item === 'string')
      : type === 'object' ? typeof actual === 'object' && actual !== null
        : typeof actual === type;
    if (!ok) return `has no ${type === 'strings' ? 'array of strings' : type} ${field}`;
  }
  return undefined;
}

function subjectProblem(kind: TrailLedgerRecord['kind'], record: Record<string, unknown>): string | undefined {
  if (kind === 'item' || (kind === 'authorization' && record.subject === undefined)) return undefined;
  const subject = record.subject as { kind?: unknown; uscc?: unknown; subjectKey?: unknown } | undefined;
  const valid = (subject?.kind === 'enterprise' && typeof subject.uscc === 'string') || (subject?.kind === 'person' && typeof subject.subjectKey === 'string');
  return valid ? undefined : 'has no valid subject (enterprise with uscc, or person with subjectKey)';
}

/**
 * A subject as one indexed value: `E:<uscc>` or `P:<subject key>`, the same form as the
 * chaincode's key part, so one column and one index serve both kinds.
 */
export function subjectReference(subject: DataSubject): string {
  return subject.kind === 'enterprise' ? `E:${subject.uscc}` : `P:${subject.subjectKey}`;
}
