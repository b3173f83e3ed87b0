import type { CreditEvaluation } from '@citytrust/shared';
import { position, positionColumns, type TableRows } from '../trails-index/row-shape';
import { subjectReference } from '../trails-index/ledger-record';
import type { CreditLedgerRecord } from './credit-event';
import { subjectAttributes } from './subject-attributes';

type Of<K extends CreditLedgerRecord['kind']> = Extract<CreditLedgerRecord, { kind: K }>['record'];

/**
 * How each credit record becomes a row: the columns credit officers' queries filter on, then the
 * record. Which rows have versions, and why a later block's version may replace an earlier one:
 * a credit record, objection and repair are each read by every transaction that changes them,
 * and a subject's evaluation key is read by every evaluation, so MVCC lets one version per block
 * through. Models and evaluations are written once.
 */
export const creditTableRows: Readonly<Record<CreditLedgerRecord['kind'], TableRows>> = {
  'credit-record': {
    table: 'credit_records',
    key: 'record_id',
    versioned: true,
    columns: {
      record_id: 'text', subject: 'text', department: 'text', category: 'text', severity: 'text', status: 'text', published: 'boolean', occurred_at: 'timestamptz',
      repairable_from: 'timestamptz', effective_until: 'timestamptz', recorded_at: 'timestamptz', ended_at: 'timestamptz', ...positionColumns,
    },
    row(ledger) {
      const r = ledger.record as Of<'credit-record'>;
      return {
        record_id: r.recordId, subject: subjectReference(r.subject), department: r.department, category: r.category, severity: r.severity, status: r.status,
        published: r.published, occurred_at: r.occurredAt, repairable_from: r.repairableFrom, effective_until: r.effectiveUntil, recorded_at: r.recordedAt,
        ended_at: r.endedAt ?? null, ...position(ledger),
      };
    },
  },
  'credit-objection': {
    table: 'credit_objections',
    key: 'record_id',
    versioned: true,
    columns: { record_id: 'text', subject: 'text', department: 'text', status: 'text', raised_at: 'timestamptz', answer_by: 'timestamptz', answer_outcome: 'text', answered_at: 'timestamptz', ...positionColumns },
    row(ledger) {
      const o = ledger.record as Of<'credit-objection'>;
      return {
        record_id: o.recordId, subject: subjectReference(o.subject), department: o.department, status: o.status, raised_at: o.raisedAt, answer_by: o.answerBy,
        answer_outcome: o.answer?.outcome ?? null, answered_at: o.answer?.answeredAt ?? null, ...position(ledger),
      };
    },
  },
  'credit-repair': {
    table: 'credit_repairs',
    key: 'record_id',
    versioned: true,
    columns: { record_id: 'text', subject: 'text', department: 'text', status: 'text', applied_at: 'timestamptz', decided_at: 'timestamptz', ...positionColumns },
    row(ledger) {
      const r = ledger.record as Of<'credit-repair'>;
      return { record_id: r.recordId, subject: subjectReference(r.subject), department: r.department, status: r.status, applied_at: r.appliedAt, decided_at: r.decision?.decidedAt ?? null, ...position(ledger) };
    },
  },
  'credit-model': {
    table: 'credit_models',
    key: 'version',
    versioned: false,
    columns: { version: 'integer', name: 'text', registered_at: 'timestamptz', ...positionColumns },
    row(ledger) {
      const m = ledger.record as Of<'credit-model'>;
      return { version: m.version, name: m.name, registered_at: m.registeredAt, ...position(ledger) };
    },
  },
  'credit-evaluation': {
    table: 'credit_evaluations',
    key: 'evaluation_id',
    versioned: false,
    columns: {
      evaluation_id: 'text', subject: 'text', model_version: 'integer', score: 'integer', grade: 'text', previous_grade: 'text', previous_score: 'integer',
      previous_model_version: 'integer', evaluated_at: 'timestamptz', trigger_kind: 'text', trigger_record_id: 'text', lists: 'text[]', ...positionColumns,
    },
    row(ledger) {
      const e = ledger.record as CreditEvaluation;
      return {
        evaluation_id: e.evaluationId, subject: subjectReference(e.subject), model_version: e.modelVersion, score: e.score, grade: e.grade,
        previous_grade: e.previous?.grade ?? null, previous_score: e.previous?.score ?? null, previous_model_version: e.previous?.modelVersion ?? null,
        evaluated_at: e.evaluatedAt, trigger_kind: e.trigger.kind, trigger_record_id: 'recordId' in e.trigger ? e.trigger.recordId : null, lists: e.lists, ...position(ledger),
      };
    },
  },
  'credit-standing': {
    table: 'credit_subjects',
    key: 'subject',
    versioned: true,
    columns: {
      subject: 'text', subject_kind: 'text', district: 'text', industry: 'text', grade: 'text', score: 'integer', model_version: 'integer', evaluation_id: 'text',
      evaluated_at: 'timestamptz', lists: 'text[]', ...positionColumns,
    },
    row(ledger) {
      const e = ledger.record as CreditEvaluation;
      const { district, industry } = subjectAttributes(e.subject);
      return {
        subject: subjectReference(e.subject), subject_kind: e.subject.kind, district, industry, grade: e.grade, score: e.score, model_version: e.modelVersion,
        evaluation_id: e.evaluationId, evaluated_at: e.evaluatedAt, lists: e.lists, ...position(ledger),
      };
    },
  },
};
