import { CREDIT_OFFICE_DEPARTMENT, sm3, type CreditEvaluation, type CreditEvaluationModel, type CreditRecord, type CreditSubject, type StoredCreditObjection, type StoredCreditRecord, type StoredCreditRepair } from '@citytrust/shared';
import type { LedgerClient } from '@citytrust/network-config';
import { MARKET, type Recorded, type SealedTrails } from './trail-records';

/** What `credit:submitRecord` (and the other changing transactions) answer. */
export interface CreditOutcome {
  readonly record?: StoredCreditRecord;
  readonly objection?: StoredCreditObjection;
  readonly repair?: StoredCreditRepair;
  readonly evaluation?: CreditEvaluation;
}

/** Submits the credit contract's transactions sealed by the department's key registered with {@link registerSealKeys}. */
export interface SealedCredit {
  submit<T = CreditOutcome>(department: string, transaction: string, record: object): Promise<Recorded<T>>;
}

export function sealedCredit(client: LedgerClient, trails: SealedTrails): SealedCredit {
  return {
    async submit<T>(department: string, transaction: string, record: object): Promise<Recorded<T>> {
      const submitted = await client.contract(department, 'credit').submitAsync(transaction, { arguments: trails.sealedArguments(department, record) });
      const status = await submitted.getStatus();
      if (!status.successful) throw new Error(`credit:${transaction} ${status.transactionId} was invalidated with code ${status.code}`);
      return { record: JSON.parse(Buffer.from(submitted.getResult()).toString('utf8')) as T, blockNumber: status.blockNumber, transactionId: status.transactionId };
    },
  };
}

/** The credit office lets Market Regulation submit licences and penalties and itself the lists, and registers `model`. */
export async function creditRules(credit: SealedCredit, model: CreditEvaluationModel): Promise<void> {
  await credit.submit(CREDIT_OFFICE_DEPARTMENT, 'setCategoryPermission', { department: MARKET, categories: ['administrative-licence', 'administrative-penalty'] });
  await credit.submit(CREDIT_OFFICE_DEPARTMENT, 'setCategoryPermission', { department: CREDIT_OFFICE_DEPARTMENT, categories: ['red-list', 'seriously-dishonest-list', 'wage-arrears-blacklist'] });
  await credit.submit(CREDIT_OFFICE_DEPARTMENT, 'registerModel', model);
}

const DAY_MS = 86_400_000;

/** A penalty (or any category) about `subject` that occurred `daysAgo` days ago. */
export function creditRecord(subject: CreditSubject, daysAgo: number, overrides: Partial<CreditRecord> = {}): CreditRecord {
  return {
    subject, category: 'administrative-penalty', severity: 'ordinary', occurredAt: new Date(Date.now() - daysAgo * DAY_MS).toISOString(),
    reference: '锡市监罚〔2027〕88号', documentDigest: sm3(`处罚决定书 ${daysAgo}`).toString('hex'), ...overrides,
  };
}
