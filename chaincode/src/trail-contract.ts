import {
  accessDecision,
  canonicalJson,
  isSameSubject,
  TRAIL_EVENTS,
  type AuthorizationRecord,
  type DataItem,
  type ShareTrailPage,
  type ShareTrailRecord,
  type StoredAuthorization,
  type StoredDataItem,
  type StoredObjection,
  type StoredShareTrail,
} from '@citytrust/shared';
import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import type { Iterators, StateQueryResponse } from 'fabric-shim';
import { InvalidArgumentError, parsePageSize } from './arguments';
import { isoTimestamp } from './ledger-timestamp';
import { drain } from './query-iterators';
import { parseLedgerTime } from './seals/ledger-time';
import { parseSeal } from './seals/seal-argument';
import { requireSealedRecord } from './seals/seal-verification';
import type { StoredSeal } from '@citytrust/shared';
import { submittingDepartment } from './seals/submitter';
import { parseDataSubject, subjectKeyPart } from './trails/data-subject';
import { characters, RecordFields } from './trails/record-fields';
import { TrailRefusedError } from './trails/trail-refusal';

export const DATA_ITEM_OBJECT_TYPE = 'data-item';
export const AUTHORIZATION_OBJECT_TYPE = 'authorization';
export const CONSENT_BY_SUBJECT_OBJECT_TYPE = 'consent-by-subject';
/** (`trail`, subject, recordedAt, txId): a subject's trails in time order, one new key per access. */
export const TRAIL_OBJECT_TYPE = 'trail';
/** (`trail-id`, txId) → the trail's key, to find a trail by its id. */
export const TRAIL_ID_OBJECT_TYPE = 'trail-id';
export const OBJECTION_OBJECT_TYPE = 'objection';
/** The one chaincode event each transaction of this contract sets, carrying the stored record. */

const ITEM_CODE = /^[A-Z0-9][A-Z0-9-]{1,63}$/;
const MSP_ID = /^[A-Za-z][A-Za-z0-9]*MSP$/;
const HEX64 = /^[0-9a-f]{64}$/;
const PURPOSE = /^[a-z0-9][a-z0-9.-]{1,63}$/;
const MAX_ITEMS = 50;

/**
 * Data-sharing trails (数据共享留痕): rights first, use needs authorization, misuse is traceable
 * (数据先确权、使用需授权、事后可追责). Owning departments register their data items in the catalog
 * and the legal bases that let other departments use them; subjects' consents are recorded for
 * them; every access is checked against a live, in-scope authorization and recorded, sealed by
 * the accessing department, and refused attempts are recorded too.
 *
 * Every record argument is canonical-JSON-sealed by the submitting department (see
 * `seals/seal-verification.ts`). Keys are append-only and per access, so concurrent accesses to
 * one subject never touch the same key; an access reads its authorization and items, so a
 * revocation that commits first invalidates an access endorsed before it.
 */
@Info({ title: 'TrailContract', description: 'Data catalog, authorizations and share trails' })
export class TrailContract extends Contract {
  constructor() {
    super('trail');
  }

  /** The owning department registers a data item in the catalog (数据资源目录). */
  @Transaction()
  @Returns('string')
  async registerDataItem(ctx: Context, itemJson: string, sealJson: string): Promise<string> {
    const item = parseDataItem(itemJson);
    const department = submittingDepartment(ctx);
    if (item.owner !== department) throw new TrailRefusedError('not_owner', `${department} may register only its own data items; ${item.code} names ${item.owner} as its owner`);
    const key = ctx.stub.createCompositeKey(DATA_ITEM_OBJECT_TYPE, [item.code]);
    if ((await ctx.stub.getState(key)).length > 0) throw new InvalidArgumentError('item.code', `${item.code} is already in the catalog`);
    const seal = await sealedAsSent(ctx, itemJson, sealJson);
    const stored: StoredDataItem = { ...item, registeredAt: seal.sealedAt, seal };
    await put(ctx, key, stored);
    ctx.stub.setEvent(TRAIL_EVENTS.item, Buffer.from(canonicalJson(stored)));
    return canonicalJson(stored);
  }

  /**
   * The owning department registers a legal basis: `grantee` may use the department's `items`
   * for `purpose` in a scenario (e.g. a 一网通办 case type) without each subject's consent.
   */
  @Transaction()
  @Returns('string')
  async registerLegalBasis(ctx: Context, authorizationJson: string, sealJson: string): Promise<string> {
    const record = parseAuthorization(authorizationJson, 'legal-basis', ctx.stub.getTxID());
    const department = submittingDepartment(ctx);
    for (const code of record.items) {
      const item = await readDataItem(ctx, code);
      if (item.owner !== department) throw new TrailRefusedError('not_owner', `${department} may grant only its own items; ${code} belongs to ${item.owner}`);
    }
    return this.storeAuthorization(ctx, record, authorizationJson, sealJson);
  }

  /**
   * Records a subject's own consent (自主授权), submitted for them by the department that runs the
   * citizen service, sealed by it.
   */
  @Transaction()
  @Returns('string')
  async grantConsent(ctx: Context, authorizationJson: string, sealJson: string): Promise<string> {
    const record = parseAuthorization(authorizationJson, 'consent', ctx.stub.getTxID());
    for (const code of record.items) await readDataItem(ctx, code);
    const stored = await this.storeAuthorization(ctx, record, authorizationJson, sealJson);
    await ctx.stub.putState(ctx.stub.createCompositeKey(CONSENT_BY_SUBJECT_OBJECT_TYPE, [subjectKeyPart(record.subject!), record.authorizationId]), Buffer.from(record.authorizationId));
    return stored;
  }

  /**
   * Ends an authorization from the transaction's time on, with a reason: the owner revokes a
   * legal basis, the recording department a consent (at the subject's request).
   */
  @Transaction()
  @Returns('string')
  async revokeAuthorization(ctx: Context, revocationJson: string, sealJson: string): Promise<string> {
    const fields = RecordFields.parse('revocation', revocationJson, ['authorizationId', 'reason']);
    const revocation = { authorizationId: fields.string('authorizationId', HEX64, 'an authorization id (64 hex characters)'), reason: fields.text('reason', 500) };
    const authorization = await readAuthorization(ctx, revocation.authorizationId);
    const department = submittingDepartment(ctx);
    if (authorization.recordedBy !== department) {
      throw new TrailRefusedError('not_owner', `authorization ${authorization.authorizationId} was recorded by ${authorization.recordedBy}; only it may revoke it`);
    }
    if (authorization.status === 'revoked') throw new InvalidArgumentError('revocation.authorizationId', `was already revoked at ${authorization.revokedAt}`);
    const seal = await sealedAsSent(ctx, revocationJson, sealJson);
    const revoked: StoredAuthorization = { ...authorization, status: 'revoked', revokedAt: seal.sealedAt, revocationReason: revocation.reason };
    await put(ctx, authorizationKey(ctx, revoked.authorizationId), revoked);
    ctx.stub.setEvent(TRAIL_EVENTS.authorization, Buffer.from(canonicalJson(revoked)));
    return canonicalJson(revoked);
  }

  /**
   * Records an access (数据共享留痕) after checking it: every item is in the catalog and shared,
   * and, unless all are shared unconditionally, the authorization is live now, granted to the
   * submitting department, and covers the items, the purpose and (for a consent) the subject.
   * A refused access throws `[trail:<check>] <reason>` and writes nothing; the gateway then
   * records the attempt with {@link recordRefusal}.
   */
  @Transaction()
  @Returns('string')
  async recordAccess(ctx: Context, trailJson: string, sealJson: string): Promise<string> {
    const trail = parseShareTrail(trailJson);
    const department = submittingDepartment(ctx);
    requireOwnTrail(trail, department);
    const seal = await sealedAsSent(ctx, trailJson, sealJson);
    await requireAuthorized(ctx, trail, seal.sealedAt);
    return this.storeTrail(ctx, { ...trail, trailId: ctx.stub.getTxID(), outcome: 'granted', recordedAt: seal.sealedAt, seal });
  }

  /**
   * Whether the submitting department may make this access now, without recording anything:
   * the gateway asks before it fetches data from the owning department's source, then records
   * the access (which checks again) with the digest of what came back.
   */
  @Transaction(false)
  @Returns('string')
  async checkAccess(ctx: Context, trailJson: string): Promise<string> {
    const trail = parseShareTrail(trailJson);
    const department = submittingDepartment(ctx);
    try {
      requireOwnTrail(trail, department);
      const items = await requireAuthorized(ctx, trail, isoTimestamp(ctx.stub.getTxTimestamp()));
      return canonicalJson({ allowed: true, owners: Object.fromEntries(items.map((item) => [item.code, item.owner])) });
    } catch (error) {
      if (!(error instanceof TrailRefusedError)) throw error;
      return canonicalJson({ allowed: false, check: error.check, reason: error.message.replace(/^\[trail:[a-z_]+\] /, '') });
    }
  }

  /** Records an attempt the ledger or the gateway refused, with the check that refused it: refusals are traceable too. */
  @Transaction()
  @Returns('string')
  async recordRefusal(ctx: Context, trailJson: string, check: string, reason: string, sealJson: string): Promise<string> {
    const trail = parseShareTrail(trailJson);
    const department = submittingDepartment(ctx);
    requireOwnTrail(trail, department);
    if (!/^[a-z_]{1,64}$/.test(check)) throw new InvalidArgumentError('check', `must name the check that refused the access, such as authorization_expired, got ${JSON.stringify(check)}`);
    if (reason.trim().length === 0 || characters(reason) > 1000) throw new InvalidArgumentError('reason', 'must say why the access was refused, in 1 to 1000 characters');
    const seal = await sealedAsSent(ctx, trailJson, sealJson);
    return this.storeTrail(ctx, { ...trail, trailId: ctx.stub.getTxID(), outcome: 'refused', refusal: { check, reason }, recordedAt: seal.sealedAt, seal });
  }

  /** Records a subject's objection (异议) to an access, raised for them through the citizen service. */
  @Transaction()
  @Returns('string')
  async objectToAccess(ctx: Context, objectionJson: string, sealJson: string): Promise<string> {
    const fields = RecordFields.parse('objection', objectionJson, ['trailId', 'subject', 'reason']);
    const objection = { trailId: fields.string('trailId', HEX64, 'a trail id (64 hex characters)'), subject: parseDataSubject(fields.name('subject'), fields.raw('subject')), reason: fields.text('reason', 1000) };
    const trail = await readTrail(ctx, objection.trailId);
    if (!isSameSubject(trail.subject, objection.subject)) throw new TrailRefusedError('subject_out_of_scope', `trail ${objection.trailId} is not about this subject: a subject objects only to accesses of their own data`);
    const key = ctx.stub.createCompositeKey(OBJECTION_OBJECT_TYPE, [objection.trailId]);
    if ((await ctx.stub.getState(key)).length > 0) throw new InvalidArgumentError('objection.trailId', `an objection to trail ${objection.trailId} is already recorded`);
    const seal = await sealedAsSent(ctx, objectionJson, sealJson);
    const stored: StoredObjection = { ...objection, department: trail.department, raisedAt: seal.sealedAt, status: 'open', seal };
    await put(ctx, key, stored);
    ctx.stub.setEvent(TRAIL_EVENTS.objection, Buffer.from(canonicalJson(stored)));
    return canonicalJson(stored);
  }

  /** The department whose access was objected to answers the objection. */
  @Transaction()
  @Returns('string')
  async answerObjection(ctx: Context, answerJson: string, sealJson: string): Promise<string> {
    const fields = RecordFields.parse('answer', answerJson, ['trailId', 'outcome', 'text']);
    const answer = { trailId: fields.string('trailId', HEX64, 'a trail id (64 hex characters)'), outcome: fields.oneOf('outcome', ['justified', 'corrected', 'withdrawn'] as const), text: fields.text('text', 2000) };
    const key = ctx.stub.createCompositeKey(OBJECTION_OBJECT_TYPE, [answer.trailId]);
    const bytes = await ctx.stub.getState(key);
    if (bytes.length === 0) throw new InvalidArgumentError('answer.trailId', `no objection to trail ${answer.trailId} is recorded`);
    const objection = JSON.parse(Buffer.from(bytes).toString('utf8')) as StoredObjection;
    const department = submittingDepartment(ctx);
    if (objection.department !== department) throw new TrailRefusedError('other_department', `the objection concerns an access by ${objection.department}; only it answers`);
    if (objection.status === 'answered') throw new InvalidArgumentError('answer.trailId', `the objection to trail ${answer.trailId} was already answered at ${objection.answer?.answeredAt}`);
    const seal = await sealedAsSent(ctx, answerJson, sealJson);
    const answered: StoredObjection = { ...objection, status: 'answered', answer: { outcome: answer.outcome, text: answer.text, answeredAt: seal.sealedAt, seal } };
    await put(ctx, key, answered);
    ctx.stub.setEvent(TRAIL_EVENTS.objection, Buffer.from(canonicalJson(answered)));
    return canonicalJson(answered);
  }

  @Transaction(false)
  @Returns('string')
  async getDataItem(ctx: Context, code: string): Promise<string> {
    return canonicalJson(await readDataItem(ctx, code));
  }

  @Transaction(false)
  @Returns('string')
  async getAuthorization(ctx: Context, authorizationId: string): Promise<string> {
    return canonicalJson(await readAuthorization(ctx, authorizationId));
  }

  @Transaction(false)
  @Returns('string')
  async getTrail(ctx: Context, trailId: string): Promise<string> {
    return canonicalJson(await readTrail(ctx, trailId));
  }

  @Transaction(false)
  @Returns('string')
  async getObjection(ctx: Context, trailId: string): Promise<string> {
    const bytes = await ctx.stub.getState(ctx.stub.createCompositeKey(OBJECTION_OBJECT_TYPE, [trailId]));
    if (bytes.length === 0) throw new InvalidArgumentError('trailId', `no objection to trail ${trailId} is recorded`);
    return Buffer.from(bytes).toString('utf8');
  }

  /** A subject's trails in the order they were recorded, a page at a time (`pageSize` 1 to 1000). */
  @Transaction(false)
  @Returns('string')
  async listSubjectTrails(ctx: Context, subjectJson: string, pageSize: string, bookmark: string): Promise<string> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(subjectJson);
    } catch {
      throw new InvalidArgumentError('subject', 'must be a JSON data subject');
    }
    const subject = parseDataSubject('subject', parsed);
    const size = parsePageSize('pageSize', pageSize);
    if (size < 1 || size > 1000) throw new InvalidArgumentError('pageSize', `must be from 1 to 1000, got ${size}`);
    const { iterator, metadata }: Partial<StateQueryResponse<Iterators.StateQueryIterator>> & { iterator: Iterators.StateQueryIterator } = await ctx.stub.getStateByPartialCompositeKeyWithPagination(TRAIL_OBJECT_TYPE, [subjectKeyPart(subject)], size, bookmark);
    const trails = (await drain(iterator)).map((kv) => JSON.parse(Buffer.from(kv.value).toString('utf8')) as StoredShareTrail);
    // The shim leaves metadata out when its bytes are empty (no records and no bookmark), as a
    // real peer's empty page encodes; an absent bookmark means the last page.
    const page: ShareTrailPage = { trails, bookmark: metadata?.bookmark ?? '' };
    return canonicalJson(page);
  }

  private async storeAuthorization(ctx: Context, record: AuthorizationRecord, recordJson: string, sealJson: string): Promise<string> {
    const seal = await sealedAsSent(ctx, recordJson, sealJson);
    if (record.validUntil <= seal.sealedAt) throw new InvalidArgumentError('authorization.validUntil', `must be after the transaction's time ${seal.sealedAt}`);
    const stored: StoredAuthorization = { ...record, status: 'active', recordedBy: submittingDepartment(ctx), recordedAt: seal.sealedAt, seal };
    await put(ctx, authorizationKey(ctx, record.authorizationId), stored);
    ctx.stub.setEvent(TRAIL_EVENTS.authorization, Buffer.from(canonicalJson(stored)));
    return canonicalJson(stored);
  }

  private async storeTrail(ctx: Context, trail: StoredShareTrail): Promise<string> {
    const key = ctx.stub.createCompositeKey(TRAIL_OBJECT_TYPE, [subjectKeyPart(trail.subject), trail.recordedAt, trail.trailId]);
    await put(ctx, key, trail);
    await ctx.stub.putState(ctx.stub.createCompositeKey(TRAIL_ID_OBJECT_TYPE, [trail.trailId]), Buffer.from(key));
    ctx.stub.setEvent(TRAIL_EVENTS.access, Buffer.from(canonicalJson(trail)));
    return canonicalJson(trail);
  }
}

/** A department acts, and records accesses, for itself only. */
function requireOwnTrail(trail: ShareTrailRecord, department: string): void {
  if (trail.department !== department) {
    throw new TrailRefusedError('other_department', `the trail names ${trail.department} but ${department} submits it: a department records only its own accesses`);
  }
}

/**
 * Checks an access against the catalog and its authorization at time `at`; throws the first
 * failed check, or returns the items' catalog entries.
 */
async function requireAuthorized(ctx: Context, trail: ShareTrailRecord, at: string): Promise<StoredDataItem[]> {
  const items = await Promise.all(trail.items.map((code) => readDataItem(ctx, code)));
  const authorization = trail.authorizationId === '' || items.some((item) => item.shareType === 'not-shared') ? undefined : await readAuthorization(ctx, trail.authorizationId);
  const decision = accessDecision(trail, items, authorization, at);
  if (!decision.allowed) throw new TrailRefusedError(decision.check, decision.reason);
  return items;
}

function parseDataItem(json: string): DataItem {
  const fields = RecordFields.parse('item', json, ['code', 'name', 'owner', 'shareType', 'sensitivity']);
  return {
    code: fields.string('code', ITEM_CODE, 'an item code of capital letters, digits and dashes (2 to 64), such as MR-ENT-BASIC'),
    name: fields.text('name', 200),
    owner: fields.string('owner', MSP_ID, 'a department\'s MSP id', 64),
    shareType: fields.oneOf('shareType', ['unconditional', 'conditional', 'not-shared'] as const),
    sensitivity: fields.integer('sensitivity', 1, 4) as DataItem['sensitivity'],
  };
}

function parseAuthorization(json: string, kind: AuthorizationRecord['kind'], transactionId: string): AuthorizationRecord {
  const known = ['kind', 'grantee', 'items', 'purpose', 'validFrom', 'validUntil', kind === 'consent' ? 'subject' : 'scenario'];
  const fields = RecordFields.parse('authorization', json, known);
  if (fields.raw('kind') !== kind) throw new InvalidArgumentError('authorization.kind', `must be "${kind}" for this transaction, got ${JSON.stringify(fields.raw('kind') ?? null)}`);
  const validFrom = parseLedgerTime(fields.name('validFrom'), fields.string('validFrom', /./, 'an RFC 3339 date-time'));
  const validUntil = parseLedgerTime(fields.name('validUntil'), fields.string('validUntil', /./, 'an RFC 3339 date-time'));
  if (validUntil <= validFrom) throw new InvalidArgumentError('authorization.validUntil', `must be after validFrom ${validFrom}`);
  const common = {
    authorizationId: transactionId,
    kind,
    grantee: fields.string('grantee', MSP_ID, 'a department\'s MSP id', 64),
    items: fields.strings('items', ITEM_CODE, 'item code', MAX_ITEMS),
    purpose: fields.string('purpose', PURPOSE, 'a purpose code of lower-case letters, digits, dots and dashes, such as business-licence.review'),
    validFrom,
    validUntil,
  };
  return kind === 'consent'
    ? { ...common, subject: parseDataSubject(fields.name('subject'), fields.raw('subject')) }
    : { ...common, scenario: fields.text('scenario', 200) };
}

function parseShareTrail(json: string): ShareTrailRecord {
  const fields = RecordFields.parse('trail', json, ['department', 'officer', 'subject', 'items', 'purpose', 'authorizationId', 'caseReference', 'resultDigest', 'qualityRating', 'requestedAt']);
  return {
    department: fields.string('department', MSP_ID, 'a department\'s MSP id', 64),
    officer: fields.string('officer', HEX64, 'the officer\'s pseudonym (64 hex characters)'),
    subject: parseDataSubject(fields.name('subject'), fields.raw('subject')),
    items: fields.strings('items', ITEM_CODE, 'item code', MAX_ITEMS),
    purpose: fields.string('purpose', PURPOSE, 'a purpose code such as business-licence.review'),
    authorizationId: fields.string('authorizationId', /^([0-9a-f]{64})?$/, 'an authorization id (64 hex characters), or empty when every item is shared unconditionally'),
    caseReference: fields.text('caseReference', 100),
    resultDigest: fields.string('resultDigest', /^([0-9a-f]{64})?$/, 'the SM3 digest of what was returned (64 hex characters), or empty'),
    ...(fields.has('qualityRating') ? { qualityRating: fields.integer('qualityRating', 1, 5) } : {}),
    requestedAt: fields.string('requestedAt', /^\d{4}-\d{2}-\d{2}T[0-9:.]+(Z|[+-]\d{2}:\d{2})$/, 'an RFC 3339 date-time', 40),
  };
}

async function readDataItem(ctx: Context, code: string): Promise<StoredDataItem> {
  const bytes = await ctx.stub.getState(ctx.stub.createCompositeKey(DATA_ITEM_OBJECT_TYPE, [code]));
  if (bytes.length === 0) throw new TrailRefusedError('unknown_item', `${code} is not in the data catalog; its owning department registers it first`);
  return JSON.parse(Buffer.from(bytes).toString('utf8')) as StoredDataItem;
}

function authorizationKey(ctx: Context, authorizationId: string): string {
  return ctx.stub.createCompositeKey(AUTHORIZATION_OBJECT_TYPE, [authorizationId]);
}

async function readAuthorization(ctx: Context, authorizationId: string): Promise<StoredAuthorization> {
  const bytes = await ctx.stub.getState(authorizationKey(ctx, authorizationId));
  if (bytes.length === 0) throw new TrailRefusedError('unknown_authorization', `${authorizationId} is not a recorded authorization`);
  return JSON.parse(Buffer.from(bytes).toString('utf8')) as StoredAuthorization;
}

async function readTrail(ctx: Context, trailId: string): Promise<StoredShareTrail> {
  const pointer = await ctx.stub.getState(ctx.stub.createCompositeKey(TRAIL_ID_OBJECT_TYPE, [trailId]));
  if (pointer.length === 0) throw new TrailRefusedError('unknown_trail', `${trailId} is not a recorded trail`);
  return JSON.parse(Buffer.from(await ctx.stub.getState(Buffer.from(pointer).toString('utf8'))).toString('utf8')) as StoredShareTrail;
}

/**
 * The seal check over a record argument exactly as the department sent and sealed it (its JSON
 * parsed, then canonicalised), after the record's fields have been checked: what is stored may
 * be normalised (times to nine fraction digits, the id added), but what was sealed is what came.
 */
function sealedAsSent(ctx: Context, recordJson: string, sealJson: string): Promise<StoredSeal> {
  return requireSealedRecord(ctx, JSON.parse(recordJson) as unknown, parseSeal('seal', sealJson));
}

async function put(ctx: Context, key: string, record: object): Promise<void> {
  await ctx.stub.putState(key, Buffer.from(canonicalJson(record)));
}
