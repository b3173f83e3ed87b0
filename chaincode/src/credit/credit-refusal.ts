/**
 * Why the credit contract refused a transaction, by a stable name that travels in the error
 * message as `[credit:<check>]`; the gateway answers with the 4xx that fits it and names it.
 */
export type CreditCheck =
  | 'not_credit_office'
  | 'category_not_permitted'
  | 'not_source_department'
  | 'invalid_model'
  | 'model_version'
  | 'no_model'
  | 'disclosure_out_of_window'
  | 'occurred_in_future'
  | 'unknown_record'
  | 'unknown_objection'
  | 'unknown_repair'
  | 'unknown_evaluation'
  | 'unknown_model'
  | 'subject_mismatch'
  | 'record_ended'
  | 'objection_open'
  | 'already_objected'
  | 'already_answered'
  | 'not_repairable'
  | 'repair_too_early'
  | 'repair_pending';

export class CreditRefusedError extends Error {
  constructor(readonly check: CreditCheck, reason: string) {
    super(`[credit:${check}] ${reason}`);
    this.name = 'CreditRefusedError';
  }
}
