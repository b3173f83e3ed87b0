import { hmacSm3 } from '@citytrust/shared';
import { identityNumberProblem, normaliseIdentityNumber } from './identity-number';

/**
 * A person's pseudonymous subject key: HMAC-SM3 of their identity number under a key that only
 * the gateways hold. The ledger and every log know a person only by this key, so nobody
 * without the gateway key can link a ledger entry to a person, or test a guessed number.
 */
export interface SubjectKeyDeriver {
  /** The subject key (64 hex characters) for an identity number; throws on a malformed number. */
  derive(identityNumber: string): string;
  /**
   * How a gateway user (an officer) appears on the ledger: HMAC-SM3 of their user id under the
   * same gateway-only key, in another domain. An auditor with the gateway can name the officer;
   * the ledger alone cannot.
   */
  officerPseudonym(userId: string): string;
}

export class InvalidIdentityNumberError extends Error {
  constructor(problem: string) {
    super(problem);
    this.name = 'InvalidIdentityNumberError';
  }
}

export function newSubjectKeyDeriver(gatewayKey: Buffer): SubjectKeyDeriver {
  return {
    derive(identityNumber) {
      const normalised = normaliseIdentityNumber(identityNumber);
      const problem = identityNumberProblem(normalised);
      if (problem) throw new InvalidIdentityNumberError(problem);
      return hmacSm3(gatewayKey, `citytrust-subject-v1:${normalised}`).toString('hex');
    },
    officerPseudonym(userId) {
      return hmacSm3(gatewayKey, `citytrust-officer-v1:${userId}`).toString('hex');
    },
  };
}
