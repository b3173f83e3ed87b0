import { endOfDay, licenseStatusAt, type EffectiveLicenseStatus, type LicenseAction, type LicenseStatus, type StoredLicense, type StoredLicenseUse, type StoredSeal } from '@citytrust/shared';

/**
 * A license's provenance (来源可溯): what the ledger recorded about it, oldest first. Read from the
 * ledger itself (the license key's history and the uses recorded under it), so it needs no index
 * and shows exactly what the chain holds. Each event made by a transaction carries the seal its
 * department made in it, when the ledger kept one: moves recorded before the contract stored the
 * mover's seal have none (their seal was checked when they were made, and is in no record since).
 */
export type LicenseEvent =
  | LedgerEvent<'issued', { readonly version: string; readonly supersedes?: string }>
  | LedgerEvent<'status-changed', { readonly action: LicenseAction; readonly from: LicenseStatus; readonly to: LicenseStatus; readonly reason: string }>
  | LedgerEvent<'new-version', { readonly supersededBy: string; readonly reason: string }>
  | LedgerEvent<'used', { readonly officer: string; readonly caseReference: string; readonly purpose: string; readonly statusAtUse: EffectiveLicenseStatus }>
  | { readonly kind: 'expired'; readonly at: string };

/** An event a transaction made: when, by which department, its seal, and which transaction. */
type LedgerEvent<K extends string, F> = { readonly kind: K; readonly at: string; readonly department: string; readonly transactionId: string; readonly seal?: StoredSeal } & F;

/** An event as the timeline answers it: one made by a transaction says in which block it landed. */
export type LicenseTimelineEvent = LicenseEvent extends infer E ? E extends { readonly transactionId: string } ? E & { readonly blockNumber: number } : E : never;

/** What a timeline page asks: at most `limit` events after the first `cursor` ones. */
export interface TimelinePageRequest {
  readonly limit: number;
  /** The previous page's `cursor`; '' for the first page. */
  readonly cursor: string;
}

export interface LicenseTimeline {
  readonly identifier: string;
  /** The status now, expiry included. */
  readonly status: EffectiveLicenseStatus;
  readonly checkedAt: string;
  readonly license: StoredLicense;
  /** This page's events, oldest first. */
  readonly events: readonly LicenseTimelineEvent[];
  /** Send it back for the next page; '' on the last. */
  readonly cursor: string;
}

/** One version of the license's record, as `license:licenseHistory` answers it. */
export interface LicenseRecordVersion {
  readonly transactionId: string;
  readonly timestamp: string;
  readonly license: StoredLicense;
}

/** A license's events, all of them, oldest first, from its record's versions and its uses; and its status at `checkedAt`. */
export function licenseEventsOf(history: readonly LicenseRecordVersion[], uses: readonly StoredLicenseUse[], checkedAt: string): { license: StoredLicense; status: EffectiveLicenseStatus; events: LicenseEvent[] } {
  const license = history[history.length - 1]!.license;
  const events: LicenseEvent[] = [];
  history.forEach(({ transactionId, license: version }, index) => {
    if (index === 0) {
      events.push({ kind: 'issued', at: version.issuedAt, department: version.issuer.department, transactionId, seal: version.seal, version: version.identifier, ...(version.supersedes ? { supersedes: version.supersedes } : {}) });
      return;
    }
    const change = version.lastChange;
    // Every later write to the license's key is a move, which the contract records as lastChange.
    if (!change || change.transactionId !== transactionId) throw new Error(`license ${version.identifier}'s record written by ${transactionId} carries no move of its own`);
    const made = { at: change.at, department: change.by, transactionId, ...(change.seal ? { seal: change.seal } : {}) };
    if (change.to === 'changed') {
      events.push({ kind: 'new-version', ...made, supersededBy: version.supersededBy!, reason: change.reason });
    } else {
      events.push({ kind: 'status-changed', ...made, action: actionOf(change.from, change.to), from: change.from, to: change.to, reason: change.reason });
    }
  });
  for (const use of uses) {
    events.push({ kind: 'used', at: use.recordedAt, department: use.department, transactionId: use.useId, seal: use.seal, officer: use.officer, caseReference: use.caseReference, purpose: use.purpose, statusAtUse: use.statusAtUse });
  }
  const status = licenseStatusAt(license, checkedAt);
  // Expiry needs no transaction: it is read from the date, and shown at the end of the last valid
  // day; a license issued with a validity already past is listed as expired from its issuance on.
  if (status === 'expired') events.push({ kind: 'expired', at: endOfDay(license.validUntil!) });
  const order = (e: LicenseEvent) => (e.kind === 'expired' && e.at < license.issuedAt ? license.issuedAt : e.at);
  events.sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
  return { license, status, events };
}

/**
 * One page of the events: the cursor is how many events the pages before showed. The ledger only
 * appends to a license's record and uses, in time order, and expiry comes after everything made
 * while the license was valid, so the events before a cursor stay where they are.
 */
export function timelinePage<E>(events: readonly E[], request: TimelinePageRequest): { events: E[]; cursor: string } {
  const start = request.cursor === '' ? 0 : Number(request.cursor);
  const end = start + request.limit;
  return { events: events.slice(start, end), cursor: end < events.length ? String(end) : '' };
}

/** The event with the block its transaction landed in (`blockOf`); expiry has none. */
export function placed(event: LicenseEvent, blockOf: (transactionId: string) => number): LicenseTimelineEvent {
  return (event.kind === 'expired' ? event : { ...event, blockNumber: blockOf(event.transactionId) }) as LicenseTimelineEvent;
}

function actionOf(from: LicenseStatus, to: LicenseStatus): LicenseAction {
  if (to === 'suspended') return 'suspend';
  if (to === 'revoked') return 'revoke';
  if (to === 'cancelled') return 'cancel';
  if (to === 'valid' && from === 'suspended') return 'reinstate';
  throw new Error(`no lifecycle move goes from ${from} to ${to}`);
}
