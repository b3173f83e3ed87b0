import {
  CREDIT_OFFICE_DEPARTMENT,
  type CreditCategory,
  type CreditEvaluation,
  type CreditEvaluationModel,
  type CreditListName,
  type CreditObjectionOutcome,
  type CreditRecord,
  type CreditRecordPage,
  type CreditSeverity,
  type CreditSubject,
  type StoredCreditCategoryPermission,
  type StoredCreditEvaluationModel,
  type StoredCreditObjection,
  type StoredCreditRecord,
  type StoredCreditRepair,
} from '@citytrust/shared';
import { ApiError, ConflictError, ForbiddenError, InvalidRequestError, NotFoundError } from '../errors';
import { LedgerRejectedError } from '../ledger/fabric-ledger';
import type { Ledger } from '../ledger/ledger';
import type { SealService } from '../seals/seal-service';
import type { Officer } from '../trails/trail-service';

/** 422: the ledger refused a credit transaction by its rules (too early, not repairable, ended); `details.check` names the rule. */
export class CreditRefusedApiError extends ApiError {
  constructor(check: string, message: string) {
    super(422, 'credit_refused', message, { check });
  }
}

/** A submitted record and the evaluation it caused (none while no model is registered). */
export interface CreditSubmission {
  readonly record: StoredCreditRecord;
  readonly evaluation?: CreditEvaluation;
}

/** What a credit officer (or the subject) sees of a subject: the latest evaluation and a page of records. */
export interface CreditProfile {
  readonly evaluation?: CreditEvaluation;
  readonly records: readonly StoredCreditRecord[];
  readonly bookmark: string;
}

export interface CreditListPage {
  readonly members: ReadonlyArray<{ readonly subject: CreditSubject; readonly since: string }>;
  readonly bookmark: string;
}

/**
 * The credit ledger for people and enterprises: source departments submit records and answer objections and
 * repairs; the credit office sets who may submit what and registers models; credit officers read
 * profiles and lists and re-evaluate; subjects see their own records and object or apply to
 * repair through the citizen service. Every write is a sealed record the credit contract checks.
 */
export interface CreditService {
  submitRecord(officer: Officer, record: CreditRecord): Promise<CreditSubmission>;
  getRecord(recordId: string): Promise<StoredCreditRecord>;
  setCategoryPermission(officer: Officer, department: string, categories: readonly CreditCategory[]): Promise<StoredCreditCategoryPermission>;
  getCategoryPermission(department: string): Promise<{ department: string; categories: readonly CreditCategory[] }>;
  registerModel(officer: Officer, model: CreditEvaluationModel): Promise<StoredCreditEvaluationModel>;
  /** A model by version, or the current one. */
  getModel(version: number | 'current'): Promise<StoredCreditEvaluationModel>;
  profile(subject: CreditSubject, pageSize: number, bookmark: string): Promise<CreditProfile>;
  /** Re-evaluates a subject now, as the credit office (after expiries, or under a new model). */
  reevaluate(subject: CreditSubject): Promise<CreditEvaluation>;
  listMembers(list: CreditListName, pageSize: number, bookmark: string): Promise<CreditListPage>;
  answerObjection(officer: Officer, recordId: string, outcome: CreditObjectionOutcome, text: string, correctedSeverity?: CreditSeverity): Promise<{ objection: StoredCreditObjection; record: StoredCreditRecord; evaluation?: CreditEvaluation }>;
  decideRepair(officer: Officer, recordId: string, outcome: 'approved' | 'rejected', text: string): Promise<{ repair: StoredCreditRepair; record?: StoredCreditRecord; evaluation?: CreditEvaluation }>;
  /** A subject's objection to a record about it; a record about any other subject is "not found". */
  objectToRecord(subject: CreditSubject, recordId: string, reason: string): Promise<StoredCreditObjection>;
  /** A subject's application to repair a failing about it, with its credit commitment. */
  applyForRepair(subject: CreditSubject, recordId: string, commitment: string): Promise<StoredCreditRepair>;
}

export interface CreditServiceOptions {
  readonly ledger: Ledger;
  readonly seals: SealService;
  /** The department that runs the citizen service: it raises objections and repair applications for subjects, and reads. */
  readonly platformDepartment: string;
}

const CREDIT = 'credit';

export function newCreditService({ ledger, seals, platformDepartment }: CreditServiceOptions): CreditService {
  const evaluate = async <T>(transaction: string, args: string[]): Promise<T> => {
    try {
      return parse<T>(await ledger.evaluate({ department: platformDepartment, contract: CREDIT, transaction, arguments: args }));
    } catch (error) {
      throw creditErrorOf(error);
    }
  };
  const submitSealed = async <T>(department: string, transaction: string, record: object): Promise<T> => {
    try {
      const { submitted } = await seals.submitSealedRecord(department, { contract: CREDIT, transaction }, record);
      return parse<T>(submitted.result);
    } catch (error) {
      throw creditErrorOf(error);
    }
  };
  /** For a subject acting through the citizen service: another subject's record does not exist for them. */
  const asSubject = async <T>(transaction: string, record: { readonly recordId: string; readonly [field: string]: unknown }): Promise<T> => {
    try {
      return await submitSealed<T>(platformDepartment, transaction, record);
    } catch (error) {
      if (error instanceof NotFoundError || (error instanceof ApiError && error.details?.check === 'subject_mismatch')) {
        throw new NotFoundError(`you have no credit record ${record.recordId}; see GET /api/v1/me/credit`);
      }
      throw error;
    }
  };

  return {
    submitRecord: (officer, record) => submitSealed<CreditSubmission>(officer.department, 'submitRecord', record),
    getRecord: (recordId) => evaluate<StoredCreditRecord>('getRecord', [recordId]),
    async setCategoryPermission(officer, department, categories) {
      return submitSealed<StoredCreditCategoryPermission>(officer.department, 'setCategoryPermission', { department, categories });
    },
    getCategoryPermission: (department) => evaluate('getCategoryPermission', [department]),
    registerModel: (officer, model) => submitSealed<StoredCreditEvaluationModel>(officer.department, 'registerModel', model),
    getModel: (version) => evaluate<StoredCreditEvaluationModel>('getModel', [version === 'current' ? '' : String(version)]),
    async profile(subject, pageSize, bookmark) {
      const [page, evaluation] = await Promise.all([
        evaluate<CreditRecordPage>('listSubjectRecords', [JSON.stringify(subject), String(pageSize), bookmark]),
        evaluate<CreditEvaluation>('getEvaluation', [JSON.stringify(subject)]).catch((error: unknown) => {
          if (error instanceof NotFoundError) return undefined;
          throw error;
        }),
      ]);
      return { ...(evaluation ? { evaluation } : {}), records: page.records, bookmark: page.bookmark };
    },
    async reevaluate(subject) {
      try {
        return parse<CreditEvaluation>((await ledger.submit({ department: CREDIT_OFFICE_DEPARTMENT, contract: CREDIT, transaction: 'reevaluate', arguments: [JSON.stringify(subject)] })).result);
      } catch (error) {
        throw creditErrorOf(error);
      }
    },
    listMembers: (list, pageSize, bookmark) => evaluate<CreditListPage>('listMembers', [list, String(pageSize), bookmark]),
    answerObjection: (officer, recordId, outcome, text, correctedSeverity) =>
      submitSealed(officer.department, 'answerObjection', { recordId, outcome, text, ...(correctedSeverity ? { correctedSeverity } : {}) }),
    decideRepair: (officer, recordId, outcome, text) => submitSealed(officer.department, 'decideRepair', { recordId, outcome, text }),
    async objectToRecord(subject, recordId, reason) {
      return (await asSubject<{ objection: StoredCreditObjection }>('objectToRecord', { recordId, subject, reason })).objection;
    },
    async applyForRepair(subject, recordId, commitment) {
      return (await asSubject<{ repair: StoredCreditRepair }>('applyForRepair', { recordId, subject, commitment })).repair;
    },
  };
}

/** The answer that fits each `[credit:<check>]` refusal: who may not (403), what is not there (404), what to fix (400), what conflicts (409), what the rules refuse (422). */
const forbidden = new Set(['not_credit_office', 'category_not_permitted', 'not_source_department']);
const badRequest = new Set(['invalid_model', 'disclosure_out_of_window', 'occurred_in_future']);
const conflicts = new Set(['model_version', 'already_objected', 'already_answered', 'repair_pending', 'objection_open']);

function creditErrorOf(error: unknown): unknown {
  if (!(error instanceof LedgerRejectedError) || !error.check?.startsWith('credit:')) return error;
  const check = error.check.slice('credit:'.length);
  const reason = /\[credit:[a-z_]+\] ([^\n]*)/.exec(error.message)?.[1] ?? error.message;
  if (forbidden.has(check)) return new ForbiddenError(reason, { check });
  if (check.startsWith('unknown_')) return new NotFoundError(reason, { check });
  if (badRequest.has(check)) return new InvalidRequestError(reason, undefined, { check });
  if (conflicts.has(check)) return new ConflictError(reason, { check });
  return new CreditRefusedApiError(check, reason);
}

function parse<T>(bytes: Uint8Array): T {
  return JSON.parse(Buffer.from(bytes).toString('utf8')) as T;
}
