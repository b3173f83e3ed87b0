/**
 * The chaincode events of the credit contract: one per transaction, named by what the
 * transaction did, carrying every record it stored. Other platforms and the off-chain index
 * follow them (一处修复、处处同步: a repair made here is known everywhere that listens).
 */
import type { StoredCreditCategoryPermission, StoredCreditObjection, StoredCreditRecord, StoredCreditRepair } from './credit-records';
import type { CreditEvaluation } from './credit-evaluation';
import type { StoredCreditEvaluationModel } from './evaluation-model';

export const CREDIT_EVENTS = {
  permission: 'credit.permission',
  model: 'credit.model',
  record: 'credit.record',
  objection: 'credit.objection',
  repair: 'credit.repair',
  evaluation: 'credit.evaluation',
} as const;

export type CreditEventName = (typeof CREDIT_EVENTS)[keyof typeof CREDIT_EVENTS];

/** An event's payload: what the transaction stored, and the evaluation it made, if any. */
export interface CreditEventPayload {
  readonly permission?: StoredCreditCategoryPermission;
  readonly model?: StoredCreditEvaluationModel;
  readonly record?: StoredCreditRecord;
  readonly objection?: StoredCreditObjection;
  readonly repair?: StoredCreditRepair;
  readonly evaluation?: CreditEvaluation;
}
