/**
 * Where the credit contract keeps its records. Every key that grows with the city is per subject
 * or per record, so no key is shared by unrelated transactions: a subject's records are one key
 * each under (`credit-record`, subject, recordId) and read as one range to evaluate it.
 * Transactions about one subject do meet on its evaluation, which is right: each evaluation
 * names the one before it.
 */
export const CREDIT_OBJECT_TYPES = {
  /** (department) → the categories it may submit. */
  permission: 'credit-permission',
  /** (version, ten digits) → a registered model. */
  model: 'credit-model',
  /** () → the current model's version. */
  currentModel: 'credit-model-current',
  /** (subject, recordId) → a record. */
  record: 'credit-record',
  /** (recordId) → the record's key. */
  recordId: 'credit-record-id',
  /** (subject) → the latest evaluation; its key history is the subject's evaluation history. */
  evaluation: 'credit-evaluation',
  /** (list, subject) → present while the subject is on the list. */
  listMember: 'credit-list-member',
  /** (recordId) → the objection to it. */
  objection: 'credit-objection',
  /** (recordId) → the repair application for it. */
  repair: 'credit-repair',
} as const;

/** A model version as a key part: fixed width, so versions sort by number. */
export function modelVersionPart(version: number): string {
  return String(version).padStart(10, '0');
}
