import type { SealKey } from '../seals/seal-records';
import { sealKeyEndedAt } from '../seals/seal-key-validity';
import { licenseStatusAt, type EffectiveLicenseStatus, type StoredLicense } from './license-records';

/** A license as a verifier needs it: the record, its status now, and whether its issuer's seal still stands. */
export interface LicenseVerification {
  readonly license: StoredLicense;
  readonly status: EffectiveLicenseStatus;
  readonly checkedAt: string;
  /** The issuer's seal key as the ledger has it now (for offline checks of the QR signature). */
  readonly issuerKey?: SealKey;
  /** Whether the issuer's key was valid when the license was issued (a revocation backdated to a compromise voids it). */
  readonly sealValid: boolean;
  readonly sealCheck?: string;
  readonly sealReason?: string;
}

/**
 * The one rule for verifying a license at `checkedAt` (a ledger time), shared by the chaincode's
 * `license:verify` and the gateway's view of it: the status at that time (expiry is read from the
 * date), and whether the issuer's key (`undefined`: not on the ledger) was valid when the license
 * was sealed. The signatures were checked when the license was issued and only the license
 * contract writes it; what can change since is the key: a revocation backdated to a compromise
 * voids its seals.
 */
export function licenseVerificationAt(license: StoredLicense, issuerKey: SealKey | undefined, checkedAt: string): LicenseVerification {
  const ended = issuerKey && sealKeyEndedAt(issuerKey, license.issuedAt);
  return {
    license,
    status: licenseStatusAt(license, checkedAt),
    checkedAt,
    ...(issuerKey ? { issuerKey } : {}),
    sealValid: issuerKey !== undefined && !ended,
    ...(ended ? { sealCheck: ended.check, sealReason: `${license.issuer.department}'s seal key ${issuerKey!.keyId} stopped sealing at ${ended.since}${issuerKey!.revocationReason ? ` (${issuerKey!.revocationReason})` : ''}, before this license was issued at ${license.issuedAt}` } : {}),
  };
}
