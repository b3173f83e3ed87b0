import {
  CREDIT_CODE_VALID_HOURS,
  CREDIT_OFFICE_DEPARTMENT,
  CreditCodeFormatError,
  creditCodeStatement,
  decodeCreditCode,
  encodeCreditCode,
  verifyCreditCodeOffline,
  type CreditCode,
  type CreditSubject,
} from '@citytrust/shared';
import { InvalidRequestError, NotFoundError } from '../errors';
import type { SealService } from '../seals/seal-service';
import { CreditRefusedApiError, type CreditService } from './credit-service';

/** A credit code as the API gives it: the QR payload and what it states. */
export interface IssuedCreditCode extends CreditCode {
  /** The QR payload (`CTCC:1:…`): what the QR image encodes. */
  readonly qr: string;
}

/**
 * The credit code (信用码): the subject's current grade from the ledger's latest evaluation,
 * sealed by the credit office's seal key, valid {@link CREDIT_CODE_VALID_HOURS} hours. Anyone
 * verifies it offline with the credit office's public keys (`verifyCreditCodeOffline`), or here.
 */
export interface CreditCodeService {
  issue(subject: CreditSubject): Promise<IssuedCreditCode>;
  /** Verifies a payload against the credit office's keys on the ledger; a code that fails is a 422 `credit_refused` naming the check. */
  verify(qr: string): Promise<CreditCode>;
}

export function newCreditCodeService({ credit, seals }: { readonly credit: CreditService; readonly seals: SealService }): CreditCodeService {
  return {
    async issue(subject) {
      const { evaluation } = await credit.profile(subject, 1, '');
      if (!evaluation) throw new NotFoundError('this subject has not been evaluated (no records since a model was registered), so it has no credit code', { check: 'unknown_evaluation' });
      const validUntil = new Date(Date.now() + CREDIT_CODE_VALID_HOURS * 3_600_000).toISOString();
      const stated = {
        subject: subject.kind === 'enterprise' ? `E:${subject.uscc}` : `P:${subject.subjectKey}`, grade: evaluation.grade, score: evaluation.score,
        modelVersion: evaluation.modelVersion, evaluatedAt: evaluation.evaluatedAt, validUntil, evaluationId: evaluation.evaluationId,
      };
      const seal = await seals.sealStatement(CREDIT_OFFICE_DEPARTMENT, creditCodeStatement(stated));
      const code: CreditCode = { ...stated, keyId: seal.keyId, signature: seal.signature };
      return { ...code, qr: encodeCreditCode(code) };
    },
    async verify(qr) {
      let code: CreditCode;
      try {
        code = decodeCreditCode(qr);
      } catch (error) {
        if (error instanceof CreditCodeFormatError) throw new InvalidRequestError(`qr: ${error.message}`, 'qr');
        throw error;
      }
      const keys = await seals.ledgerKeys(CREDIT_OFFICE_DEPARTMENT);
      const outcome = verifyCreditCodeOffline(code, keys);
      if (!outcome.valid) throw new CreditRefusedApiError(outcome.check, outcome.reason);
      return code;
    },
  };
}
