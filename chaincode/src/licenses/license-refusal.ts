/**
 * Why the chaincode refused an e-license transaction, by a stable name that travels in the error
 * message as `[license:<check>]`; the gateway answers with the 4xx that fits it.
 */
export type LicenseCheck =
  | 'unknown_type'
  | 'type_exists'
  | 'issuer_not_allowed'
  | 'not_issuer'
  | 'unknown_license'
  | 'duplicate_case'
  | 'illegal_transition'
  | 'invalid_identifier'
  | 'invalid_validity'
  | 'invalid_metadata'
  | 'document_mismatch'
  | 'license_not_valid'
  | 'other_department'
  | 'unknown_copy';

/** Thrown by the license contract's checks; a transaction that throws it writes nothing. */
export class LicenseRefusedError extends Error {
  constructor(readonly check: LicenseCheck, reason: string) {
    super(`[license:${check}] ${reason}`);
    this.name = 'LicenseRefusedError';
  }
}
