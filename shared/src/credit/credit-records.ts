/**
 * The credit records (信用信息) as the ledger stores them (canonical JSON): departments' records
 * about subjects, which department may submit which category, subjects' objections (异议) and
 * repairs (信用修复). The chaincode writes them; the gateway, the off-chain index and any auditor
 * read them. A person is known only by their pseudonymous subject key.
 */
import type { StoredSeal } from '../seals/seal-records';
import type { DataSubject } from '../trails/trail-records';
import type { CreditCategory, CreditSeverity } from './credit-categories';

/** Whose credit: an enterprise by its USCC or a person by their subject key, as for trails. */
export type CreditSubject = DataSubject;

/** What a source department submits, sealed: one fact about a subject's credit and its source. */
export interface CreditRecord {
  readonly subject: CreditSubject;
  readonly category: CreditCategory;
  readonly severity: CreditSeverity;
  /** When the fact occurred or was decided (RFC 3339); its window runs from here. */
  readonly occurredAt: string;
  /** The source document's number, e.g. 市监罚〔2027〕12号. */
  readonly reference: string;
  /** SM3 of the source document (hex): the record points at its evidence without holding it. */
  readonly documentDigest: string;
  /** The period in effect, within the window for the category and severity; its default when absent. */
  readonly disclosureMonths?: number;
}

/**
 * A record's state: in force (`active`), disputed by its subject (`under-objection`, still in
 * force until answered), `withdrawn` by its source department after an objection, or `repaired`.
 * Expiry is not a state: a record stops being in effect at `effectiveUntil` by itself.
 */
export type CreditRecordStatus = 'active' | 'under-objection' | 'withdrawn' | 'repaired';

/** A record as stored: what was submitted, its window, its state and the department's seal. */
export interface StoredCreditRecord extends CreditRecord {
  /** The id of the transaction that recorded it. */
  readonly recordId: string;
  /** The source department (MSP id). */
  readonly department: string;
  readonly disclosureMonths: number;
  /** Whether it is published while in effect (a minor failing is not). */
  readonly published: boolean;
  readonly repairableFrom: string;
  readonly effectiveUntil: string;
  readonly status: CreditRecordStatus;
  readonly recordedAt: string;
  readonly seal: StoredSeal;
  /** When a correction after an objection changed the severity: what it was. */
  readonly correctedFrom?: { readonly severity: CreditSeverity; readonly correctedAt: string };
  /** When it was withdrawn or repaired. */
  readonly endedAt?: string;
}

/** Which categories a department may submit, as the credit office set it on the ledger. */
export interface CreditCategoryPermission {
  readonly department: string;
  readonly categories: readonly CreditCategory[];
}

export interface StoredCreditCategoryPermission extends CreditCategoryPermission {
  readonly setAt: string;
  readonly seal: StoredSeal;
}

/** How a source department answers an objection: the record stands, is corrected, or is withdrawn. */
export type CreditObjectionOutcome = 'upheld' | 'corrected' | 'withdrawn';

/** A subject's objection (异议) to a record, and the source department's answer. */
export interface StoredCreditObjection {
  readonly recordId: string;
  readonly subject: CreditSubject;
  /** The source department: it must answer by `answerBy`. */
  readonly department: string;
  readonly reason: string;
  readonly raisedAt: string;
  readonly answerBy: string;
  readonly status: 'open' | 'answered';
  readonly answer?: {
    readonly outcome: CreditObjectionOutcome;
    readonly text: string;
    /** For `corrected`: the severity the record has from now on. */
    readonly correctedSeverity?: CreditSeverity;
    readonly answeredAt: string;
    /** Answered after `answerBy`: recorded, and visible to the subject and to auditors. */
    readonly late: boolean;
    readonly seal: StoredSeal;
  };
  /** The seal of the department that raised it for the subject (the citizen service). */
  readonly seal: StoredSeal;
}

/** A subject's application to repair a failing (信用修复), with their credit commitment, and its decision. */
export interface StoredCreditRepair {
  readonly recordId: string;
  readonly subject: CreditSubject;
  /** The source department: it decides. */
  readonly department: string;
  /** The subject's credit commitment (信用承诺), in their words. */
  readonly commitment: string;
  readonly appliedAt: string;
  readonly status: 'pending' | 'approved' | 'rejected';
  readonly decision?: { readonly outcome: 'approved' | 'rejected'; readonly text: string; readonly decidedAt: string; readonly seal: StoredSeal };
  readonly seal: StoredSeal;
}

/** Calendar days the source department has to answer an objection. */
export const CREDIT_OBJECTION_ANSWER_DAYS = 15;

/** One page of a subject's records in recording order, with the bookmark of the next ('' at the end). */
export interface CreditRecordPage {
  readonly records: readonly StoredCreditRecord[];
  readonly bookmark: string;
}
