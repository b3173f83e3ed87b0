import { creditTableRows } from '../credit-index/credit-rows';
import { position, positionColumns, type TableRows } from './row-shape';
import { subjectReference, type LedgerRecord } from './ledger-record';

export type { Row, ColumnTypes, TableRows } from './row-shape';

/** How each kind of ledger record becomes a row: the columns the queries filter on, then the record. */
export const tableRows: Readonly<Record<LedgerRecord['kind'], TableRows>> = {
  item: {
    table: 'data_items',
    key: 'code',
    versioned: false,
    columns: { code: 'text', name: 'text', owner: 'text', share_type: 'text', sensitivity: 'smallint', registered_at: 'timestamptz', ...positionColumns },
    row(ledger) {
      const item = (ledger as Extract<LedgerRecord, { kind: 'item' }>).record;
      return { code: item.code, name: item.name, owner: item.owner, share_type: item.shareType, sensitivity: item.sensitivity, registered_at: item.registeredAt, ...position(ledger) };
    },
  },
  authorization: {
    table: 'authorizations',
    key: 'authorization_id',
    versioned: true,
    columns: {
      authorization_id: 'text', kind: 'text', grantee: 'text', items: 'text[]', purpose: 'text', valid_from: 'timestamptz', valid_until: 'timestamptz', subject: 'text',
      scenario: 'text', status: 'text', recorded_by: 'text', recorded_at: 'timestamptz', revoked_at: 'timestamptz', revocation_reason: 'text', ...positionColumns,
    },
    row(ledger) {
      const a = (ledger as Extract<LedgerRecord, { kind: 'authorization' }>).record;
      return {
        authorization_id: a.authorizationId, kind: a.kind, grantee: a.grantee, items: a.items, purpose: a.purpose, valid_from: a.validFrom, valid_until: a.validUntil,
        subject: a.subject ? subjectReference(a.subject) : null, scenario: a.scenario ?? null, status: a.status, recorded_by: a.recordedBy, recorded_at: a.recordedAt,
        revoked_at: a.revokedAt ?? null, revocation_reason: a.revocationReason ?? null, ...position(ledger),
      };
    },
  },
  access: {
    table: 'share_trails',
    key: 'trail_id',
    versioned: false,
    columns: {
      trail_id: 'text', department: 'text', officer: 'text', subject: 'text', items: 'text[]', purpose: 'text', authorization_id: 'text', case_reference: 'text',
      result_digest: 'text', quality_rating: 'smallint', requested_at: 'timestamptz', outcome: 'text', refusal_check: 'text', refusal_reason: 'text',
      recorded_at: 'timestamptz', seal_key_id: 'text', ...positionColumns,
    },
    row(ledger) {
      const t = (ledger as Extract<LedgerRecord, { kind: 'access' }>).record;
      return {
        trail_id: t.trailId, department: t.department, officer: t.officer, subject: subjectReference(t.subject), items: t.items, purpose: t.purpose,
        // The ledger's '' (every item shared unconditionally) is NULL here, so the partial index skips it.
        authorization_id: t.authorizationId === '' ? null : t.authorizationId, case_reference: t.caseReference, result_digest: t.resultDigest,
        quality_rating: t.qualityRating ?? null, requested_at: t.requestedAt, outcome: t.outcome, refusal_check: t.refusal?.check ?? null,
        refusal_reason: t.refusal?.reason ?? null, recorded_at: t.recordedAt, seal_key_id: t.seal.keyId, ...position(ledger),
      };
    },
  },
  objection: {
    table: 'objections',
    key: 'trail_id',
    versioned: true,
    columns: {
      trail_id: 'text', subject: 'text', department: 'text', reason: 'text', raised_at: 'timestamptz', status: 'text', answer_outcome: 'text', answered_at: 'timestamptz',
      ...positionColumns,
    },
    row(ledger) {
      const o = (ledger as Extract<LedgerRecord, { kind: 'objection' }>).record;
      return {
        trail_id: o.trailId, subject: subjectReference(o.subject), department: o.department, reason: o.reason, raised_at: o.raisedAt, status: o.status,
        answer_outcome: o.answer?.outcome ?? null, answered_at: o.answer?.answeredAt ?? null, ...position(ledger),
      };
    },
  },
  ...creditTableRows,
};
