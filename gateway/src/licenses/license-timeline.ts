import { endOfDay, licenseStatusAt, type EffectiveLicenseStatus, type LicenseAction, type LicenseStatus, type StoredLicense, type StoredLicenseUse } from '@citytrust/shared';

/**
 * A license's provenance (来源可溯): what the ledger recorded about it, oldest first. Read from the
 * ledger itself (the license key's history and the uses recorded under it), so it needs no index
 * and shows exactly what the chain holds.
 */
export type LicenseTimelineEvent =
  | LedgerEvent<'issued', { readonly version: string; readonly supersedes?: string }>
  | LedgerEvent<'status-changed', { readonly action: LicenseAction; readonly from: LicenseStatus; readonly to: LicenseStatus; readonly reason: string }>
  | LedgerEvent<'new-version', { readonly supersededBy: string; readonly reason: string }>
  | LedgerEvent<'used', { readonly officer: string; readonly caseReference: string; readonly purpose: string; readonly statusAtUse: EffectiveLicenseStatus }>
  | { readonly kind: 'expired'; readonly at: string };

/** An event a transaction made: when, by which department, and where on the chain. */
type LedgerEvent<K extends string, F> = { readonly kind: K; readonly at: string; readonly department: string; readonly transactionId: string; readonly blockNumber: number } & F;

export interface LicenseTimeline {
  readonly identifier: string;
  /** The status now, expiry included. */
  readonly status: EffectiveLicenseStatus;
  readonly checkedAt: string;
  readonly license: StoredLicense;
  readonly events: readonly LicenseTimelineEvent[];
}

/** One version of the license's record, as `license:licenseHistory` answers it. */
export interface LicenseRecordVersion {
  readonly transactionId: string;
  readonly timestamp: string;
  readonly license: StoredLicense;
}

/** The events of a license from its record's versions and its uses; `blockOf` says where each transaction landed. */
export function licenseTimelineOf(history: readonly LicenseRecordVersion[], uses: readonly StoredLicenseUse[], checkedAt: string, blockOf: (transactionId: string) => number): LicenseTimeline {
  const license = history[history.length - 1]!.license;
  const events: LicenseTimelineEvent[] = [];
  const where = (transactionId: string) => ({ transactionId, blockNumber: blockOf(transactionId) });
  history.forEach(({ transactionId, license: version }, index) => {
    if (index === 0) {
      events.push({ kind: 'issued', at: version.issuedAt, department: version.issuer.department, ...where(transactionId), version: version.identifier, ...(version.supersedes ? { supersedes: version.supersedes } : {}) });
      return;
    }
    const change = version.lastChange;
    // Every later write to the license's key is a move, which the contract records as lastChange.
    if (!change || change.transactionId !== transactionId) throw new Error(`license ${version.identifier}'s record written by ${transactionId} carries no move of its own`);
    if (change.to === 'changed') {
      events.push({ kind: 'new-version', at: change.at, department: change.by, ...where(transactionId), supersededBy: version.supersededBy!, reason: change.reason });
    } else {
      events.push({ kind: 'status-changed', at: change.at, department: change.by, ...where(transactionId), action: actionOf(change.from, change.to), from: change.from, to: change.to, reason: change.reason });
    }
  });
  for (const use of uses) {
    events.push({ kind: 'used', at: use.recordedAt, department: use.department, ...where(use.useId), officer: use.officer, caseReference: use.caseReference, purpose: use.purpose, statusAtUse: use.statusAtUse });
  }
  const status = licenseStatusAt(license, checkedAt);
  // Expiry needs no transaction: it is read from the date, and shown at the end of the last valid
  // day; a license issued with a validity already past is listed as expired from its issuance on.
  if (status === 'expired') events.push({ kind: 'expired', at: endOfDay(license.validUntil!) });
  const order = (e: LicenseTimelineEvent) => (e.kind === 'expired' && e.at < license.issuedAt ? license.issuedAt : e.at);
  events.sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
  return { identifier: license.identifier, status, checkedAt, license, events };
}

function actionOf(from: LicenseStatus, to: LicenseStatus): LicenseAction {
  if (to === 'suspended') return 'suspend';
  if (to === 'revoked') return 'revoke';
  if (to === 'cancelled') return 'cancel';
  if (to === 'valid' && from === 'suspended') return 'reinstate';
  throw new Error(`no lifecycle move goes from ${from} to ${to}`);
}
