/**
 * Why the chaincode refused a seal. Each check has a stable code that travels in the error
 * message as `[seal:<check>]`, so the gateway can answer with a 4xx that names the check while
 * the rest of the message explains it to a person.
 */
export type SealCheck =
  | 'malformed_seal'
  | 'digest_mismatch'
  | 'unknown_key'
  | 'other_department'
  | 'key_not_yet_valid'
  | 'key_expired'
  | 'key_retired'
  | 'key_revoked'
  | 'bad_signature';

/** Thrown by the seal checks; a transaction that throws it writes nothing. */
export class SealRefusedError extends Error {
  constructor(readonly check: SealCheck, reason: string) {
    super(`[seal:${check}] ${reason}`);
    this.name = 'SealRefusedError';
  }
}

/** Thrown when the submitter may not manage seal keys; the message says who may. */
export class SealKeyPermissionError extends Error {
  constructor(reason: string) {
    super(`[seal:forbidden] ${reason}`);
    this.name = 'SealKeyPermissionError';
  }
}
