import { isSameSubject } from '@citytrust/shared';
import type {
  AuthorizationRecord,
  DataItem,
  DataSubject,
  ShareTrailRecord,
  StoredAuthorization,
  StoredDataItem,
  StoredObjection,
  StoredSeal,
  StoredShareTrail,
} from '@citytrust/shared';
import type { ProofBundle } from '@citytrust/network-config';
import { ApiError, ForbiddenError, NotFoundError } from '../errors';
import { LedgerRejectedError } from '../ledger/fabric-ledger';
import type { Ledger } from '../ledger/ledger';
import { readPersonalData, type AccessRefusal, type TrailReceipt } from '../personal-data/personal-data-read';
import type { SealService } from '../seals/seal-service';
import type { AccessView } from './access-view';
import type { DataSource } from './data-source';

/** What an officer asks for: whose data, which items, why, under which authorization, for which case. */
export interface ExchangeRequest {
  readonly subject: DataSubject;
  readonly items: readonly string[];
  readonly purpose: string;
  /** Omitted when every item is shared unconditionally. */
  readonly authorizationId?: string;
  readonly caseReference: string;
  readonly qualityRating?: number;
}

/** The receipt of a recorded access: where it is on the ledger, its seal and the digest of the data. */
export interface ShareTrailReceipt extends TrailReceipt {
  readonly recordedAt: string;
  readonly resultDigest: string;
  readonly seal: StoredSeal;
}

/** Who acts: a department officer or admin, by department and user id (never shown on the ledger in clear). */
export interface Officer {
  readonly department: string;
  readonly userId: string;
}

/** 422: the ledger refused a trail record for a reason other than permission; `details.check` names it. */
export class TrailRefusedApiError extends ApiError {
  constructor(check: string, message: string) {
    super(422, 'trail_refused', message, { check });
  }
}

export interface TrailService {
  registerDataItem(officer: Officer, item: Omit<DataItem, 'owner'>): Promise<StoredDataItem>;
  getDataItem(code: string): Promise<StoredDataItem>;
  registerLegalBasis(officer: Officer, basis: Omit<AuthorizationRecord, 'authorizationId' | 'kind' | 'subject'> & { scenario: string }): Promise<StoredAuthorization>;
  /** Data exchange: authorized on the ledger, fetched from the owner's source, recorded with its digest, then returned. */
  exchange(officer: Officer, request: ExchangeRequest): Promise<{ data: Record<string, unknown>; receipt: ShareTrailReceipt }>;
  grantConsent(subjectKey: string, consent: Omit<AuthorizationRecord, 'authorizationId' | 'kind' | 'subject' | 'scenario'>): Promise<StoredAuthorization>;
  /** Revokes the citizen's own consent; another subject's consent is "not found". */
  revokeConsent(subjectKey: string, authorizationId: string, reason: string): Promise<StoredAuthorization>;
  objectToAccess(subjectKey: string, trailId: string, reason: string): Promise<StoredObjection>;
  answerObjection(officer: Officer, trailId: string, outcome: 'justified' | 'corrected' | 'withdrawn', text: string): Promise<StoredObjection>;
  /**
   * The proof bundle of a trail, for whoever may see the trail: its subject (a citizen or an enterprise), the
   * department that made the access, or an auditor. Anyone else is told it does not exist.
   */
  proofOf(trailId: string, viewer: TrailViewer): Promise<ProofBundle>;
}

/** Who asks to see a trail. */
export type TrailViewer = { readonly kind: 'subject'; readonly subject: DataSubject } | { readonly kind: 'department'; readonly department: string } | { readonly kind: 'auditor' };

export interface TrailServiceOptions {
  readonly ledger: Ledger;
  readonly seals: SealService;
  readonly source: DataSource;
  /** Answers "allowed" for an exchange without asking the ledger, when it holds the records (see access-view). */
  readonly view: AccessView;
  /** The department that runs the citizen service: it records citizens' consents and objections for them. */
  readonly platformDepartment: string;
  /** The officer's pseudonym on the ledger. */
  readonly officerPseudonym: (userId: string) => string;
  /** The time of a request, for the record (the ledger's own time is the transaction's). */
  readonly now?: () => Date;
}

const TRAIL = 'trail';

export function newTrailService(options: TrailServiceOptions): TrailService {
  const { ledger, seals, source, view, platformDepartment, officerPseudonym } = options;
  const now = options.now ?? (() => new Date());
  const evaluate = async <T>(department: string, transaction: string, args: string[]): Promise<T> => {
    try {
      return parse<T>(await ledger.evaluate({ department, contract: TRAIL, transaction, arguments: args }));
    } catch (error) {
      throw trailErrorOf(error);
    }
  };
  const submitSealed = async <T>(department: string, transaction: string, record: object, extra: string[] = []): Promise<{ stored: T; transactionId: string; blockNumber: number }> => {
    try {
      const { submitted } = await seals.submitSealedRecord(department, { contract: TRAIL, transaction }, record, extra);
      return { stored: parse<T>(submitted.result), transactionId: submitted.transactionId, blockNumber: submitted.blockNumber };
    } catch (error) {
      throw trailErrorOf(error);
    }
  };
  const ownConsent = async (subjectKey: string, authorizationId: string): Promise<StoredAuthorization> => {
    const authorization = await evaluate<StoredAuthorization>(platformDepartment, 'getAuthorization', [authorizationId]).catch((error: unknown) => {
      throw error instanceof NotFoundError ? notYours(authorizationId) : error;
    });
    if (authorization.kind !== 'consent' || authorization.subject?.kind !== 'person' || authorization.subject.subjectKey !== subjectKey) throw notYours(authorizationId);
    return authorization;
  };

  return {
    async registerDataItem(officer, item) {
      return (await submitSealed<StoredDataItem>(officer.department, 'registerDataItem', { ...item, owner: officer.department })).stored;
    },

    getDataItem: (code) => evaluate<StoredDataItem>(platformDepartment, 'getDataItem', [code]),

    async registerLegalBasis(officer, basis) {
      return (await submitSealed<StoredAuthorization>(officer.department, 'registerLegalBasis', { kind: 'legal-basis', ...basis })).stored;
    },

    async exchange(officer, request) {
      const requestedAt = now().toISOString();
      const trail = (resultDigest: string): ShareTrailRecord => ({
        department: officer.department,
        officer: officerPseudonym(officer.userId),
        subject: request.subject,
        items: request.items,
        purpose: request.purpose,
        authorizationId: request.authorizationId ?? '',
        caseReference: request.caseReference,
        resultDigest,
        ...(request.qualityRating !== undefined ? { qualityRating: request.qualityRating } : {}),
        requestedAt,
      });
      let owners: Record<string, string> = {};
      const refusalOf = (error: unknown): AccessRefusal | undefined =>
        error instanceof TrailRefusedApiError || error instanceof ForbiddenError || error instanceof NotFoundError
          ? { check: String(error.details?.check ?? error.code), reason: error.message }
          : undefined;
      const result = await readPersonalData<Record<string, unknown>, ShareTrailReceipt>({
        async check() {
          const held = view.allowed(trail(''));
          if (held) {
            owners = held.owners;
            return held;
          }
          const answer = await evaluate<{ allowed: true; owners: Record<string, string> } | { allowed: false; check: string; reason: string }>(officer.department, 'checkAccess', [JSON.stringify(trail(''))]);
          if (answer.allowed) {
            owners = answer.owners;
            view.learn(trail(''));
          }
          return answer;
        },
        async record(resultDigest) {
          try {
            const { stored, transactionId, blockNumber } = await submitSealed<StoredShareTrail>(officer.department, 'recordAccess', trail(resultDigest));
            return { granted: true, receipt: { trailId: stored.trailId, transactionId, blockNumber, recordedAt: stored.recordedAt, resultDigest, seal: stored.seal } };
          } catch (error) {
            const refusal = refusalOf(error);
            if (!refusal) throw error;
            return { granted: false, ...refusal };
          }
        },
        async recordRefusal(refusal) {
          const { stored, transactionId, blockNumber } = await submitSealed<StoredShareTrail>(officer.department, 'recordRefusal', trail(''), [refusal.check, refusal.reason]);
          return { trailId: stored.trailId, transactionId, blockNumber };
        },
      }, async () => {
        // One fetch per owning department, for its items (the ledger said who owns which).
        const byOwner = new Map<string, string[]>();
        for (const code of request.items) byOwner.set(owners[code]!, [...(byOwner.get(owners[code]!) ?? []), code]);
        const parts = await Promise.all([...byOwner].map(([owner, codes]) => source.fetch(owner, request.subject, codes)));
        return Object.assign({}, ...parts) as Record<string, unknown>;
      });
      return { data: result.data, receipt: result.receipt };
    },

    async grantConsent(subjectKey, consent) {
      return (await submitSealed<StoredAuthorization>(platformDepartment, 'grantConsent', { kind: 'consent', ...consent, subject: { kind: 'person', subjectKey } })).stored;
    },

    async revokeConsent(subjectKey, authorizationId, reason) {
      await ownConsent(subjectKey, authorizationId);
      const revoked = (await submitSealed<StoredAuthorization>(platformDepartment, 'revokeAuthorization', { authorizationId, reason })).stored;
      view.forgetAuthorization(authorizationId);
      return revoked;
    },

    async objectToAccess(subjectKey, trailId, reason) {
      const subject: DataSubject = { kind: 'person', subjectKey };
      const trail = await evaluate<StoredShareTrail>(platformDepartment, 'getTrail', [trailId]).catch((error: unknown) => {
        throw error instanceof NotFoundError ? new NotFoundError(`you have no access trail ${trailId}; see GET /api/v1/me/trails`) : error;
      });
      if (trail.subject.kind !== 'person' || trail.subject.subjectKey !== subjectKey) throw new NotFoundError(`you have no access trail ${trailId}; see GET /api/v1/me/trails`);
      return (await submitSealed<StoredObjection>(platformDepartment, 'objectToAccess', { trailId, subject, reason })).stored;
    },

    async answerObjection(officer, trailId, outcome, text) {
      return (await submitSealed<StoredObjection>(officer.department, 'answerObjection', { trailId, outcome, text })).stored;
    },

    async proofOf(trailId, viewer) {
      const hidden = new NotFoundError(`no trail ${trailId} that you may see`);
      const trail = await evaluate<StoredShareTrail>(platformDepartment, 'getTrail', [trailId]).catch((error: unknown) => {
        throw error instanceof NotFoundError ? hidden : error;
      });
      const visible = viewer.kind === 'auditor'
        || (viewer.kind === 'department' && trail.department === viewer.department)
        || (viewer.kind === 'subject' && isSameSubject(trail.subject, viewer.subject));
      if (!visible) throw hidden;
      return ledger.proofBundle(trailId);
    },
  };
}

function notYours(authorizationId: string): NotFoundError {
  return new NotFoundError(`you have no consent ${authorizationId}`);
}

/** A chaincode refusal tagged `[trail:<check>]` becomes the answer that fits it. */
function trailErrorOf(error: unknown): unknown {
  if (!(error instanceof LedgerRejectedError) || !error.check?.startsWith('trail:')) return error;
  const check = error.check.slice('trail:'.length);
  const reason = /\[trail:[a-z_]+\] ([^\n]*)/.exec(error.message)?.[1] ?? error.message;
  if (check === 'not_owner' || check === 'other_department') return new ForbiddenError(reason, { check });
  if (check.startsWith('unknown_')) return new NotFoundError(reason, { check });
  return new TrailRefusedApiError(check, reason);
}

function parse<T>(bytes: Uint8Array): T {
  return JSON.parse(Buffer.from(bytes).toString('utf8')) as T;
}
