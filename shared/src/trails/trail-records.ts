/**
 * The data-sharing records (数据共享留痕) as the ledger stores them (canonical JSON): the data
 * catalog, authorizations, share trails and objections. The chaincode writes them; the gateway,
 * the off-chain index and any auditor read them. No record holds a person's identity number or
 * name: a person is known only by a pseudonymous subject key.
 */
import type { StoredSeal } from '../seals/seal-records';

/**
 * Whose data: an enterprise by its Unified Social Credit Code (public), or a person by the
 * subject key the gateways derive from their identity number with a keyed SM3 hash.
 */
export type DataSubject =
  | { readonly kind: 'enterprise'; readonly uscc: string }
  | { readonly kind: 'person'; readonly subjectKey: string };

/** How an item may be shared (共享类型): freely, under an authorization, or not at all. */
export type ShareType = 'unconditional' | 'conditional' | 'not-shared';

/** A data item in the data-resource catalog (数据资源目录), registered by its owning department. */
export interface DataItem {
  /** Stable code, e.g. `MR-ENT-BASIC`. */
  readonly code: string;
  readonly name: string;
  /** The owning department (MSP id): the one authoritative source (一数一源). */
  readonly owner: string;
  readonly shareType: ShareType;
  /** Sensitivity grade (数据分级), 1 (public) to 4 (most sensitive). */
  readonly sensitivity: 1 | 2 | 3 | 4;
}

/**
 * An authorization (授权) for a department to use items for a purpose within a window: a
 * subject's own consent, or a legal basis the owning department registers for a scenario.
 */
export interface AuthorizationRecord {
  readonly authorizationId: string;
  readonly kind: 'consent' | 'legal-basis';
  /** The department that may access. */
  readonly grantee: string;
  readonly items: readonly string[];
  readonly purpose: string;
  /** RFC 3339 with nine fraction digits; the authorization is live in [validFrom, validUntil). */
  readonly validFrom: string;
  readonly validUntil: string;
  /** Consent only: whose data. */
  readonly subject?: DataSubject;
  /** Legal basis only: the scenario, e.g. a 一网通办 case type. */
  readonly scenario?: string;
}

/** What one access recorded: who, whose data, which items, why, under what, and what came back. */
export interface ShareTrailRecord {
  /** The requesting department (MSP id); must be the submitter's. */
  readonly department: string;
  /** The officer, pseudonymously: HMAC-SM3 of their user id under a gateway key. */
  readonly officer: string;
  readonly subject: DataSubject;
  readonly items: readonly string[];
  readonly purpose: string;
  /** Empty when every item is shared unconditionally. */
  readonly authorizationId: string;
  /** The case the access served, e.g. a 一网通办 case number. */
  readonly caseReference: string;
  /** SM3 of what was returned (hex); empty for a refused attempt. */
  readonly resultDigest: string;
  /** Data-quality rating (数据质量评价) 1 to 5, when the officer gave one. */
  readonly qualityRating?: number;
  /** When the gateway made the request (RFC 3339); the ledger's own time is the transaction's. */
  readonly requestedAt: string;
}

/** A trail as stored: the record, how it ended, its seal and where it is on the ledger. */
export interface StoredShareTrail extends ShareTrailRecord {
  readonly trailId: string;
  readonly outcome: 'granted' | 'refused';
  /** For a refused attempt: which check refused it, and why. */
  readonly refusal?: { readonly check: string; readonly reason: string };
  readonly recordedAt: string;
  readonly seal: StoredSeal;
}

/** A catalog entry as stored: the item, when it was registered, and the owner's seal. */
export interface StoredDataItem extends DataItem {
  readonly registeredAt: string;
  readonly seal: StoredSeal;
}

/** An authorization as stored, with its state; revocation keeps the record and ends it from then on. */
export interface StoredAuthorization extends AuthorizationRecord {
  readonly status: 'active' | 'revoked';
  /** The department that recorded it: the owner for a legal basis, the platform for a consent. */
  readonly recordedBy: string;
  readonly recordedAt: string;
  readonly seal: StoredSeal;
  readonly revokedAt?: string;
  readonly revocationReason?: string;
}

/** A subject's objection (异议) to an access, and the accessing department's answer. */
export interface StoredObjection {
  readonly trailId: string;
  readonly subject: DataSubject;
  /** The department whose access is objected to: it must answer. */
  readonly department: string;
  readonly reason: string;
  readonly raisedAt: string;
  readonly status: 'open' | 'answered';
  readonly answer?: { readonly outcome: 'justified' | 'corrected' | 'withdrawn'; readonly text: string; readonly answeredAt: string; readonly seal: StoredSeal };
  readonly seal: StoredSeal;
}

/** One page of a subject's trails, newest last, with the bookmark of the next page ('' at the end). */
export interface ShareTrailPage {
  readonly trails: readonly StoredShareTrail[];
  readonly bookmark: string;
}

/** The trail contract's chaincode events; each carries the stored record it names as canonical JSON. */
export const TRAIL_EVENTS = { item: 'trail.item', authorization: 'trail.authorization', access: 'trail.access', objection: 'trail.objection' } as const;
