import {
  isSameSubject,
  ledgerTime,
  ANNOTATED_COPY_STATEMENT_TYPE,
  canonicalJson,
  decodeLicenseQr,
  encodeLicenseQr,
  formatLicenseIdentifier,
  licenseQrStatement,
  licenseSerial,
  LicenseIdentifierError,
  LicenseQrFormatError,
  nextLicenseVersion,
  parseLicenseIdentifier,
  sm3,
  verifyLicenseQrOffline,
  type AnnotatedCopyRecord,
  type DataSubject,
  type EffectiveLicenseStatus,
  type LicenseAction,
  type LicenseIssueRecord,
  type LicenseQrPayload,
  type LicenseStatusChange,
  type LicenseTypeRecord,
  type SealKey,
  type StoredAnnotatedCopy,
  type StoredLicense,
  type StoredLicenseType,
  type StoredLicenseUse,
} from '@citytrust/shared';
import { common } from '@hyperledger/fabric-protos';
import { ApiError, ConflictError, ForbiddenError, InvalidRequestError, NotFoundError } from '../errors';
import { LedgerRejectedError } from '../ledger/fabric-ledger';
import type { Ledger } from '../ledger/ledger';
import type { SealService } from '../seals/seal-service';
import type { Officer, ShareTrailReceipt, TrailService } from '../trails/trail-service';
import { holderLicenses, LICENSE_DATA_ITEM } from './license-data-source';
import type { LicenseStatusView } from './license-status-view';
import { licenseEventsOf, placed, timelinePage, type LicenseRecordVersion, type LicenseTimeline, type TimelinePageRequest } from './license-timeline';

/** 422 `license_refused`: a license, its QR or a document failed a check; `details.check` names it. */
export class LicenseRefusedApiError extends ApiError {
  constructor(check: string, message: string, details: Record<string, unknown> = {}) {
    super(422, 'license_refused', message, { check, ...details });
  }
}

/** What a case system sends to issue a license when a case is completed. */
export interface IssueRequest {
  readonly typeCode: string;
  readonly holder: DataSubject;
  readonly caseReference: string;
  readonly validFrom: string;
  readonly validUntil: string | null;
  readonly metadata: Readonly<Record<string, string>>;
  readonly documentDigest: string;
}

/** A license with the QR payload to print on it. */
export interface IssuedLicense {
  readonly license: StoredLicense;
  readonly qr: string;
}

/** What a verifier presents: an identifier or a QR payload, maybe the document, and for a copy, the use. */
export interface VerifyRequest {
  readonly identifier?: string;
  readonly qr?: string;
  /** SM3 of the presented document, recomputed by the gateway from its bytes. */
  readonly documentDigest?: string;
  readonly use?: { readonly purpose: string; readonly recipient: string };
}

/** The answer to a verification that passed its checks: the license's state now, and what was checked. */
export interface LicenseVerificationView {
  /** True when the license is valid now (and every presented item checked out). */
  readonly valid: boolean;
  readonly status: EffectiveLicenseStatus;
  /** The last move, with its reason: why a license is suspended, revoked or cancelled. */
  readonly statusChange?: LicenseStatusChange;
  readonly checkedAt: string;
  readonly license: StoredLicense;
  readonly issuerKey: { readonly keyId: string; readonly department: string; readonly status: SealKey['status'] };
  /** What was checked beyond the ledger's record. */
  readonly checked: { readonly qrSignature: boolean; readonly document: boolean; readonly annotatedCopy: boolean };
  readonly copy?: { readonly purpose: string; readonly recipient: string; readonly validUntil: string; readonly madeAt: string; readonly sealedBy: string };
}

/** Who reads a timeline: staff (the authorization table says which roles), or a holder (a citizen or an enterprise) as the subject they are. */
export type TimelineReader = { readonly kind: 'staff' } | { readonly kind: 'holder'; readonly holder: DataSubject };

/** A person holder's licenses as read through the data exchange: the licenses and the share trail's receipt. */
export interface HolderLicenses {
  readonly licenses: readonly StoredLicense[];
  readonly receipt?: ShareTrailReceipt;
}

export interface LicenseService {
  registerType(officer: Officer, type: LicenseTypeRecord): Promise<StoredLicenseType>;
  getType(code: string): Promise<StoredLicenseType>;
  /** Issues a license for a case; the same request for the same case again returns the license it issued (`created: false`). */
  issue(officer: Officer, request: IssueRequest): Promise<IssuedLicense & { created: boolean }>;
  changeStatus(officer: Officer, identifier: string, action: LicenseAction, reason: string): Promise<StoredLicense>;
  /** Issues the next version of a license (变更); the previous one becomes `changed`. */
  change(officer: Officer, identifier: string, request: Omit<IssueRequest, 'typeCode' | 'holder'> & { reason: string }): Promise<IssuedLicense & { previous: StoredLicense }>;
  /**
   * A holder's licenses for a department: an enterprise's directly (they are public registrations),
   * a person's through the data exchange, authorized and recorded as a share trail.
   */
  holderLicenses(officer: Officer, request: { holder: DataSubject; purpose: string; caseReference: string; authorizationId?: string }): Promise<HolderLicenses>;
  /** A holder's own licenses (a citizen's or an enterprise's). */
  ownLicenses(holder: DataSubject): Promise<StoredLicense[]>;
  /** Public verification, online: the license's current status, plus every presented item checked. */
  verify(request: VerifyRequest): Promise<LicenseVerificationView>;
  /** A department relied on a license in a case (用证): verified, then recorded with the status it found. */
  recordUse(officer: Officer, identifier: string, caseReference: string, purpose: string): Promise<{ use: StoredLicenseUse; verification: LicenseVerificationView }>;
  /**
   * Its provenance from the ledger, oldest first, a page at a time: issuance, moves with their
   * reasons, new versions and uses, each with its transaction, block and seal. Staff read any
   * license's; a holder only their own (another's is 404, as if it did not exist).
   */
  timeline(identifier: string, page: TimelinePageRequest, reader: TimelineReader): Promise<LicenseTimeline>;
  /** The holder's annotated copy (加注件) of one of their licenses, for one use, until a time. */
  annotateCopy(holder: DataSubject, identifier: string, use: { purpose: string; recipient: string; validUntil: string }): Promise<{ copy: StoredAnnotatedCopy; qr: string }>;
}

export interface LicenseServiceOptions {
  readonly ledger: Ledger;
  readonly seals: SealService;
  readonly trails: TrailService;
  /** The department that runs the citizen service: it makes annotated copies for holders, and answers public queries. */
  readonly platformDepartment: string;
  readonly officerPseudonym: (userId: string) => string;
  /** Where verifications are answered from (`newLicenseStatusView`); this service tells it of the changes it commits. */
  readonly view: LicenseStatusView;
}

const LICENSE = 'license';

export function newLicenseService({ ledger, seals, trails, platformDepartment, officerPseudonym, view }: LicenseServiceOptions): LicenseService {
  const evaluate = async <T>(transaction: string, args: string[], department = platformDepartment): Promise<T> => {
    try {
      return JSON.parse(Buffer.from(await ledger.evaluate({ department, contract: LICENSE, transaction, arguments: args })).toString('utf8')) as T;
    } catch (error) {
      throw licenseErrorOf(error);
    }
  };
  const submitSealed = async <T>(department: string, transaction: string, record: object, alsoSealed: object[] = []): Promise<T> => {
    try {
      const { submitted } = await seals.submitSealedRecord(department, { contract: LICENSE, transaction }, record, [], alsoSealed);
      return JSON.parse(Buffer.from(submitted.result).toString('utf8')) as T;
    } catch (error) {
      throw licenseErrorOf(error);
    }
  };
  // A registered type never changes (the contract refuses a second registration of a code), so
  // once read it is kept; an unknown type is asked again next time, as it may be registered since.
  const knownTypes = new Map<string, StoredLicenseType>();
  const getType = async (code: string) => {
    const known = knownTypes.get(code);
    if (known) return known;
    const type = await evaluate<StoredLicenseType>('getType', [code]);
    knownTypes.set(code, type);
    return type;
  };
  const getLicense = (identifier: string) => evaluate<StoredLicense>('getLicense', [requireIdentifier('identifier', identifier)]);
  /** The license a case already issued, if the request repeats it; a conflict if the case issued something else. */
  const issuedFor = async (department: string, request: IssueRequest): Promise<StoredLicense | undefined> => {
    const { identifier } = await evaluate<{ identifier?: string }>('findByCase', [department, request.typeCode, request.caseReference]);
    if (identifier === undefined) return undefined;
    const license = await getLicense(identifier);
    const asRequested = (l: IssueRequest) => canonicalJson({ holder: l.holder, validFrom: l.validFrom, validUntil: l.validUntil, metadata: l.metadata, documentDigest: l.documentDigest });
    if (asRequested(license) !== asRequested(request)) {
      throw new ConflictError(`case ${request.caseReference} already issued license ${identifier} of type ${request.typeCode} with other content; change that license (POST /api/v1/licenses/{identifier}/versions) instead of issuing again`, { check: 'duplicate_case', identifier });
    }
    return license;
  };
  // A change this gateway commits is seen by its next verification, whatever the event stream's lag.
  const moving = async <T>(identifier: string, move: () => Promise<T>): Promise<T> => {
    try {
      return await move();
    } finally {
      view.forget(identifier);
    }
  };

  return {
    async registerType(officer, type) {
      return submitSealed<StoredLicenseType>(officer.department, 'registerType', type);
    },

    getType,

    async issue(officer, request) {
      const type = await getType(request.typeCode);
      const issuer = type.issuers.find((i) => i.department === officer.department);
      if (!issuer) throw new ForbiddenError(`${officer.department} may not issue ${type.code} (${type.name}); ${type.definedBy} allows ${type.issuers.map((i) => i.department).join(', ')}`, { check: 'issuer_not_allowed' });
      // No look-up first: the ledger refuses a second issuance for a case (duplicate_case), and
      // only then is the request compared with what the case issued, so a new case costs one round trip.
      const identifier = formatLicenseIdentifier({ typeCode: type.code, issuerUscc: issuer.uscc, serial: licenseSerial(type.code, issuer.uscc, request.caseReference), version: 1 });
      const record: LicenseIssueRecord = { identifier, ...request };
      try {
        const license = await submitSealed<StoredLicense>(officer.department, 'issue', record, [licenseQrStatement(identifier, request.documentDigest)]);
        return { license, qr: qrOf(license), created: true };
      } catch (error) {
        // The case issued a license already (this request repeated, or another committed first):
        // the same request is answered with that license, other content is a conflict.
        const replay = error instanceof ApiError && error.details?.check === 'duplicate_case' ? await issuedFor(officer.department, request) : undefined;
        if (replay) return { license: replay, qr: qrOf(replay), created: false };
        throw error;
      }
    },

    async changeStatus(officer, identifier, action, reason) {
      const checked = requireIdentifier('identifier', identifier);
      return moving(checked, () => submitSealed<StoredLicense>(officer.department, 'changeStatus', { identifier: checked, action, reason }));
    },

    async change(officer, identifier, request) {
      const previous = await getLicense(identifier);
      const { reason, ...fields } = request;
      const next = formatLicenseIdentifier(nextLicenseVersion(parseLicenseIdentifier(previous.identifier)));
      const license: LicenseIssueRecord = { identifier: next, typeCode: previous.typeCode, holder: previous.holder, ...fields };
      const result = await moving(previous.identifier, () => submitSealed<{ previous: StoredLicense; current: StoredLicense }>(officer.department, 'change', { previous: previous.identifier, reason, license }, [licenseQrStatement(next, fields.documentDigest)]));
      return { license: result.current, previous: result.previous, qr: qrOf(result.current) };
    },

    async holderLicenses(officer, request) {
      if (request.holder.kind === 'enterprise') return { licenses: await holderLicenses(ledger, platformDepartment, request.holder) };
      const { data, receipt } = await trails.exchange(officer, {
        subject: request.holder,
        items: [LICENSE_DATA_ITEM],
        purpose: request.purpose,
        caseReference: request.caseReference,
        ...(request.authorizationId ? { authorizationId: request.authorizationId } : {}),
      });
      return { licenses: (data[LICENSE_DATA_ITEM] as { licenses: StoredLicense[] }).licenses, receipt };
    },

    ownLicenses: (holder) => holderLicenses(ledger, platformDepartment, holder),

    async verify(request) {
      const payload = request.qr === undefined ? undefined : decodeQr(request.qr);
      const identifier = payload?.identifier ?? requireIdentifier('identifier', request.identifier ?? '');
      if (payload && request.identifier !== undefined && request.identifier !== payload.identifier) {
        throw new InvalidRequestError(`the identifier ${request.identifier} is not the QR payload's (${payload.identifier}); send one or the other`, 'identifier');
      }
      const found = await view.verification(identifier).catch((error: unknown) => {
        throw licenseErrorOf(error);
      });
      const { license } = found;
      if (!found.issuerKey) throw new LicenseRefusedApiError('unknown_key', `the issuer's seal key ${license.qrSeal.keyId} is not on the ledger`);
      if (!found.sealValid) throw new LicenseRefusedApiError(found.sealCheck ?? 'key_revoked', found.sealReason ?? 'the issuer\'s seal key no longer vouches for this license', { identifier });
      let copy: LicenseVerificationView['copy'];
      if (payload?.kind === 'license') {
        if (payload.keyId !== license.qrSeal.keyId) throw new LicenseRefusedApiError('unknown_key', `the QR is signed with key ${payload.keyId}, but license ${identifier} was sealed by ${license.issuer.department} with key ${license.qrSeal.keyId}: the QR was not made by its issuer`);
        requireQr(verifyLicenseQrOffline(payload, [found.issuerKey], { signedAt: license.issuedAt, at: found.checkedAt }));
        if (payload.documentDigest !== license.documentDigest) throw new LicenseRefusedApiError('document_mismatch', `the QR names document ${payload.documentDigest}, but license ${identifier} is document ${license.documentDigest}`);
      } else if (payload?.kind === 'annotated-copy') {
        copy = await checkCopy(payload, request.use, found.checkedAt);
      }
      if (request.documentDigest !== undefined && request.documentDigest !== license.documentDigest) {
        throw new LicenseRefusedApiError('document_mismatch', `the presented document's SM3 digest is ${request.documentDigest}, but license ${identifier} was issued for ${license.documentDigest}: it is not the license's document, or it was altered`);
      }
      return {
        valid: found.status === 'valid',
        status: found.status,
        ...(license.lastChange ? { statusChange: license.lastChange } : {}),
        checkedAt: found.checkedAt,
        license,
        issuerKey: { keyId: found.issuerKey.keyId, department: found.issuerKey.department, status: found.issuerKey.status },
        checked: { qrSignature: payload !== undefined, document: request.documentDigest !== undefined, annotatedCopy: copy !== undefined },
        ...(copy ? { copy } : {}),
      };
    },

    async recordUse(officer, identifier, caseReference, purpose) {
      const verification = await this.verify({ identifier });
      const use = await submitSealed<StoredLicenseUse>(officer.department, 'recordUse', { identifier, department: officer.department, officer: officerPseudonym(officer.userId), caseReference, purpose });
      return { use, verification };
    },

    async timeline(identifier, page, reader) {
      requireIdentifier('identifier', identifier);
      const checkedAt = ledgerTime();
      const [history, uses] = await Promise.all([
        evaluate<LicenseRecordVersion[]>('licenseHistory', [identifier]).catch((error: unknown) => {
          throw reader.kind === 'holder' && error instanceof NotFoundError ? notYours(identifier) : error;
        }),
        evaluate<StoredLicenseUse[]>('listUses', [identifier]),
      ]);
      const { license, status, events } = licenseEventsOf(history, uses, checkedAt);
      // A holder reads only the timelines of the licenses they hold; another's is not found, as
      // every other record about another subject is.
      if (reader.kind === 'holder' && !isSameSubject(license.holder, reader.holder)) throw notYours(identifier);
      const shown = timelinePage(events, page);
      // Only the page's transactions are looked up: a license used ten thousand times costs one page of look-ups.
      const blocks = await blockNumbersOf(shown.events.flatMap((e) => (e.kind === 'expired' ? [] : [e.transactionId])));
      return { identifier: license.identifier, status, checkedAt, license, events: shown.events.map((e) => placed(e, (id) => blocks.get(id)!)), cursor: shown.cursor };
    },

    async annotateCopy(holder, identifier, use) {
      const license = await getLicense(identifier).catch((error: unknown) => {
        throw error instanceof NotFoundError ? notYours(identifier) : error;
      });
      if (!isSameSubject(license.holder, holder)) throw notYours(identifier);
      const record: AnnotatedCopyRecord = { type: ANNOTATED_COPY_STATEMENT_TYPE, identifier, documentDigest: license.documentDigest, purpose: use.purpose, recipient: use.recipient, validUntil: wholeSecondsUtc(use.validUntil) };
      const copy = await submitSealed<StoredAnnotatedCopy>(platformDepartment, 'annotateCopy', record);
      return { copy, qr: encodeLicenseQr({ kind: 'annotated-copy', ...record, keyId: copy.seal.keyId, signature: copy.seal.signature }) };
    },
  };

  /** Where each transaction landed on the chain, a few look-ups at a time. */
  async function blockNumbersOf(transactionIds: readonly string[]): Promise<Map<string, number>> {
    const numbers = new Map<string, number>();
    const pending = [...new Set(transactionIds)];
    const worker = async () => {
      for (let id = pending.pop(); id !== undefined; id = pending.pop()) {
        numbers.set(id, common.Block.deserializeBinary(await ledger.blockOfTransaction(id)).getHeader()!.getNumber());
      }
    };
    await Promise.all(Array.from({ length: 4 }, worker));
    return numbers;
  }

  async function checkCopy(payload: Extract<LicenseQrPayload, { kind: 'annotated-copy' }>, use: VerifyRequest['use'], at: string): Promise<LicenseVerificationView['copy']> {
    const digest = sm3(canonicalJson({ type: ANNOTATED_COPY_STATEMENT_TYPE, identifier: payload.identifier, documentDigest: payload.documentDigest, purpose: payload.purpose, recipient: payload.recipient, validUntil: payload.validUntil })).toString('hex');
    const stored = await evaluate<StoredAnnotatedCopy>('getCopy', [digest]).catch((error: unknown) => {
      throw error instanceof NotFoundError ? new LicenseRefusedApiError('unknown_copy', 'no annotated copy with these fields was made on the ledger: a field was altered, or the copy was never made') : error;
    });
    const keys = await seals.ledgerKeys(stored.seal.department);
    requireQr(verifyLicenseQrOffline(payload, keys, { signedAt: stored.madeAt, at, ...(use ? { use } : {}) }));
    return { purpose: stored.purpose, recipient: stored.recipient, validUntil: stored.validUntil, madeAt: stored.madeAt, sealedBy: stored.seal.department };
  }
}

/** The QR payload printed on a license: its identifier and document digest, signed by the issuer's seal. */
export function qrOf(license: StoredLicense): string {
  return encodeLicenseQr({ kind: 'license', identifier: license.identifier, documentDigest: license.documentDigest, keyId: license.qrSeal.keyId, signature: license.qrSeal.signature });
}

function requireQr(outcome: ReturnType<typeof verifyLicenseQrOffline>): void {
  if (!outcome.valid) throw new LicenseRefusedApiError(outcome.check, outcome.reason);
}

function decodeQr(text: string): LicenseQrPayload {
  try {
    return decodeLicenseQr(text);
  } catch (error) {
    if (error instanceof LicenseQrFormatError) throw new InvalidRequestError(`qr: ${error.message}`, 'qr');
    throw error;
  }
}

/** An identifier from a request, its check character checked at the edge: a typo is a 400 that says so. */
function requireIdentifier(field: string, identifier: string): string {
  try {
    parseLicenseIdentifier(identifier);
    return identifier;
  } catch (error) {
    if (error instanceof LicenseIdentifierError) throw new InvalidRequestError(`${field}: ${error.message}`, field, { part: error.part });
    throw error;
  }
}

function wholeSecondsUtc(dateTime: string): string {
  return new Date(Date.parse(dateTime)).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function notYours(identifier: string): NotFoundError {
  return new NotFoundError(`you hold no license ${identifier}; see GET /api/v1/me/licenses`);
}

/** A chaincode refusal tagged `[license:<check>]` becomes the answer that fits it. */
function licenseErrorOf(error: unknown): unknown {
  if (!(error instanceof LedgerRejectedError) || !error.check?.startsWith('license:')) return error;
  const check = error.check.slice('license:'.length);
  const reason = /\[license:[a-z_]+\] ([^\n]*)/.exec(error.message)?.[1] ?? error.message;
  if (check.startsWith('unknown_')) return new NotFoundError(reason, { check });
  if (check === 'issuer_not_allowed' || check === 'not_issuer' || check === 'other_department') return new ForbiddenError(reason, { check });
  if (check === 'duplicate_case' || check === 'type_exists' || check === 'illegal_transition') return new ConflictError(reason, { check });
  if (check === 'invalid_identifier') return new InvalidRequestError(reason, 'identifier', { check });
  return new LicenseRefusedApiError(check, reason);
}
