import { ledgerTime } from '../ledger-time';

/**
 * E-licenses (电子证照) as the ledger stores and returns them (canonical JSON): license types,
 * licenses through their lifecycle, uses (用证) and annotated copies (加注件). The chaincode
 * writes them; the gateway, the CLI and any verifier read them. The license document itself stays
 * off the ledger: only its SM3 digest is here.
 */
import type { StoredSeal } from '../seals/seal-records';
import type { DataSubject } from '../trails/trail-records';
import { sm3 } from '../crypto/sm3';

/** A department allowed to issue a type, and the Unified Social Credit Code it issues under. */
export interface LicenseIssuer {
  readonly department: string;
  readonly uscc: string;
}

/** One metadata field every license of a type carries (GB/T 36903 metadata, e.g. 经营范围). */
export interface LicenseMetadataField {
  /** The field's key in `metadata`, e.g. `businessScope`. */
  readonly name: string;
  readonly label: string;
  readonly required: boolean;
}

/** How long a license of a type is valid: for at most `maxValidityDays`, or without end when null. */
export interface LicenseValidityRule {
  readonly maxValidityDays: number | null;
}

/** A license type (证照类型), registered by the department that defines it. */
export interface LicenseTypeRecord {
  /** The defining department's USCC and three digits, e.g. `11320000MB12345675001`. */
  readonly code: string;
  readonly name: string;
  readonly issuers: readonly LicenseIssuer[];
  /** Departments besides the issuer that may suspend, reinstate, revoke or cancel its licenses. */
  readonly supervisors: readonly string[];
  readonly validity: LicenseValidityRule;
  readonly metadataFields: readonly LicenseMetadataField[];
}

export interface StoredLicenseType extends LicenseTypeRecord {
  readonly definedBy: string;
  readonly registeredAt: string;
  readonly seal: StoredSeal;
}

/**
 * What an issuer seals to issue a license. The identifier's serial is derived from the case
 * (see {@link licenseSerial}), so a case issues one license of a type, and the identifier is
 * known before the transaction, which lets the issuer seal the QR statement with it.
 */
export interface LicenseIssueRecord {
  readonly identifier: string;
  readonly typeCode: string;
  readonly holder: DataSubject;
  /** The case whose completion issues the license (办结即发证), e.g. a 一网通办 case number. */
  readonly caseReference: string;
  /** Dates (YYYY-MM-DD, the city's calendar): valid from the start of `validFrom` ... */
  readonly validFrom: string;
  /** ... to the end of `validUntil`; null when the type's licenses do not expire. */
  readonly validUntil: string | null;
  readonly metadata: Readonly<Record<string, string>>;
  /** SM3 of the license document (OFD/PDF), hex. */
  readonly documentDigest: string;
}

/** The states a license moves through; `expired` is never stored, it is computed from the date. */
export type LicenseStatus = 'valid' | 'suspended' | 'changed' | 'revoked' | 'cancelled';
export type EffectiveLicenseStatus = LicenseStatus | 'expired';

/** One move of a license's state, with who made it, why and when. */
export interface LicenseStatusChange {
  readonly from: LicenseStatus;
  readonly to: LicenseStatus;
  readonly reason: string;
  readonly by: string;
  readonly at: string;
  readonly transactionId: string;
  /**
   * The mover's seal over the move's request (the status move, or the change record of a new
   * version), made in `transactionId`. Absent on moves recorded before the ledger kept it: their
   * seals were checked when they were made but not stored.
   */
  readonly seal?: StoredSeal;
}

/** A license as stored: the sealed issue record, its issuer, its state and its links to other versions. */
export interface StoredLicense extends LicenseIssueRecord {
  readonly issuer: LicenseIssuer;
  readonly issuedAt: string;
  readonly status: LicenseStatus;
  /** The last move (every earlier one is in the key's history). */
  readonly lastChange?: LicenseStatusChange;
  /** For a changed license: the version that replaced it. */
  readonly supersededBy?: string;
  /** For a version issued by a change: the one it replaced. */
  readonly supersedes?: string;
  /** The issuer's seal over the issue record. */
  readonly seal: StoredSeal;
  /** The issuer's seal over the QR statement ({@link licenseQrStatement}): the QR's signature. */
  readonly qrSeal: StoredSeal;
}

/** A move a department asks for; `change` is a new version, made by its own transaction. */
export type LicenseAction = 'suspend' | 'reinstate' | 'revoke' | 'cancel';

/** A use of a license (用证): a department relied on it in a case, and what it found. */
export interface LicenseUseRecord {
  readonly identifier: string;
  readonly department: string;
  /** The officer's pseudonym. */
  readonly officer: string;
  readonly caseReference: string;
  readonly purpose: string;
}

export interface StoredLicenseUse extends LicenseUseRecord {
  readonly useId: string;
  /** The license's status when the ledger recorded the use. */
  readonly statusAtUse: EffectiveLicenseStatus;
  readonly recordedAt: string;
  readonly seal: StoredSeal;
}

/** A page of query results and the bookmark of the next page (empty on the last). */
export interface LicensePage {
  readonly licenses: readonly StoredLicense[];
  readonly bookmark: string;
}

/** A license's status at a time: expiry needs no transaction, it is read from the date. */
export function licenseStatusAt(license: Pick<StoredLicense, 'status' | 'validUntil'>, at: string): EffectiveLicenseStatus {
  if ((license.status === 'valid' || license.status === 'suspended') && license.validUntil !== null && at >= endOfDay(license.validUntil)) return 'expired';
  return license.status;
}

/**
 * The instant a license valid until `date` stops being valid: the end of that day in the city's
 * time (China Standard Time, UTC+8), as RFC 3339 UTC with nine fraction digits like ledger times.
 */
export function endOfDay(date: string): string {
  const next = new Date(Date.parse(`${date}T00:00:00+08:00`) + 86_400_000);
  return ledgerTime(next);
}

/**
 * The serial of the license a case issues: the first 20 hex digits of SM3 over the type, the
 * issuer's USCC and the case reference, in capitals. Deterministic, so the gateway knows the
 * identifier before it seals and a repeated case maps to the same license; spread, so no key
 * range is hot.
 */
export function licenseSerial(typeCode: string, issuerUscc: string, caseReference: string): string {
  return sm3(`${typeCode}\n${issuerUscc}\n${caseReference}`).toString('hex').slice(0, 20).toUpperCase();
}

/**
 * An annotated copy (加注件): the holder's copy of a license for one use, to one recipient, until
 * a time. Sealed by the platform department that makes it for the holder; the seal is the copy's
 * QR signature, so it verifies offline, and only for that use and time.
 */
export interface AnnotatedCopyRecord {
  readonly type: typeof ANNOTATED_COPY_STATEMENT_TYPE;
  readonly identifier: string;
  readonly documentDigest: string;
  /** What the copy may be used for, e.g. 办理贷款. */
  readonly purpose: string;
  /** Who may rely on it, e.g. a bank's name. */
  readonly recipient: string;
  /** RFC 3339 UTC, whole seconds: the copy is void from then on. */
  readonly validUntil: string;
}

export interface StoredAnnotatedCopy extends AnnotatedCopyRecord {
  readonly madeAt: string;
  readonly seal: StoredSeal;
}

export const LICENSE_QR_STATEMENT_TYPE = 'citytrust.e-license';
export const ANNOTATED_COPY_STATEMENT_TYPE = 'citytrust.e-license.annotated-copy';

/** What the issuer signs for a license's QR code: the identifier bound to the document's digest. */
export interface LicenseQrStatement {
  readonly type: typeof LICENSE_QR_STATEMENT_TYPE;
  readonly identifier: string;
  readonly documentDigest: string;
}

export function licenseQrStatement(identifier: string, documentDigest: string): LicenseQrStatement {
  return { type: LICENSE_QR_STATEMENT_TYPE, identifier, documentDigest };
}
