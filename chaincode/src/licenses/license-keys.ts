import type { Context } from 'fabric-contract-api';

/**
 * Where e-licenses live in state. Each license (each version) has its own key, (`license`,
 * identifier); the indexes by holder, issuer and type are written once, at issuance, one key per
 * license, and never again: a status change writes the license's own key only. Nothing is shared
 * by all issuances (no counter: the serial comes from the case), so concurrent issuances and moves
 * of different licenses never touch the same key, and every state a license passes through is in
 * its key's history.
 */
export const LICENSE_TYPE_OBJECT_TYPE = 'license-type';
export const LICENSE_OBJECT_TYPE = 'license';
/** (`license-by-holder`, `E:<uscc>` or `P:<subject key>`, identifier) → identifier. */
export const LICENSE_BY_HOLDER_OBJECT_TYPE = 'license-by-holder';
/** (`license-by-issuer`, department, identifier) → identifier. */
export const LICENSE_BY_ISSUER_OBJECT_TYPE = 'license-by-issuer';
/** (`license-by-type`, type code, identifier) → identifier. */
export const LICENSE_BY_TYPE_OBJECT_TYPE = 'license-by-type';
/** (`license-case`, issuing department, type code, case reference) → identifier: one license per case and type. */
export const LICENSE_CASE_OBJECT_TYPE = 'license-case';
/** (`license-use`, identifier, recordedAt, txId): the use-of-license trail (用证), one new key per use. */
export const LICENSE_USE_OBJECT_TYPE = 'license-use';
/** (`license-copy`, seal digest): annotated copies (加注件), found by their QR's digest. */
export const LICENSE_COPY_OBJECT_TYPE = 'license-copy';

export const LICENSE_OBJECT_TYPES = [
  LICENSE_TYPE_OBJECT_TYPE, LICENSE_OBJECT_TYPE, LICENSE_BY_HOLDER_OBJECT_TYPE, LICENSE_BY_ISSUER_OBJECT_TYPE,
  LICENSE_BY_TYPE_OBJECT_TYPE, LICENSE_CASE_OBJECT_TYPE, LICENSE_USE_OBJECT_TYPE, LICENSE_COPY_OBJECT_TYPE,
] as const;

/** The one chaincode event each transaction of the license contract sets, carrying what it stored. */
export const LICENSE_EVENTS = {
  type: 'license.type',
  issued: 'license.issued',
  status: 'license.status',
  changed: 'license.changed',
  use: 'license.use',
  copy: 'license.copy',
} as const;

export function licenseKey(ctx: Context, identifier: string): string {
  return ctx.stub.createCompositeKey(LICENSE_OBJECT_TYPE, [identifier]);
}

export function licenseTypeKey(ctx: Context, code: string): string {
  return ctx.stub.createCompositeKey(LICENSE_TYPE_OBJECT_TYPE, [code]);
}
