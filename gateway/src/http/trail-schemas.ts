import { Type, type Static } from '@sinclair/typebox';

/**
 * The data-sharing API's messages (catalog, authorizations, data exchange, citizens' logs,
 * consents and objections). As everywhere in the API, one schema validates, types and documents.
 */
const strict = { additionalProperties: false } as const;

export const Hex64 = (description: string) => Type.String({ pattern: '^[0-9a-f]{64}$', description });
export const MspId = Type.String({ pattern: '^[A-Za-z][A-Za-z0-9]*MSP$', maxLength: 64, description: 'A department, by its Fabric MSP id.' });
export const ItemCode = Type.String({ pattern: '^[A-Z0-9][A-Z0-9-]{1,63}$', description: 'A data item\'s code in the catalog, e.g. MR-ENT-BASIC.' });
const Items = Type.Array(ItemCode, { minItems: 1, maxItems: 50, uniqueItems: true });
export const Purpose = Type.String({ pattern: '^[a-z0-9][a-z0-9.-]{1,63}$', description: 'A purpose code, e.g. business-licence.review.' });
const DateTime = Type.String({ format: 'date-time', description: 'RFC 3339.' });
const LedgerTime = Type.String({ description: 'RFC 3339 with nine fraction digits, from the ledger.' });
const Uscc = Type.String({ pattern: '^[0-9A-HJ-NPQRTUWXY]{18}$', description: 'Unified Social Credit Code (GB 32100).' });
const TrailId = Hex64('A trail\'s id: the id of the transaction that recorded it.');
export const TrailOutcome = Type.Union([Type.Literal('granted'), Type.Literal('refused')], { description: 'An access the ledger allowed and recorded, or an attempt it refused (recorded too).' });
export const AuthorizationId = Hex64('An authorization\'s id: the id of the transaction that recorded it.');

export const DataSubjectInput = Type.Union([
  Type.Object({ kind: Type.Literal('enterprise'), uscc: Uscc }, { ...strict, title: 'Enterprise' }),
  Type.Object({
    kind: Type.Literal('person'),
    identityNumber: Type.String({ minLength: 18, maxLength: 18, description: 'Used once, to derive the pseudonymous subject key; never stored, logged or sent to the ledger.' }),
  }, { ...strict, title: 'Person' }),
], { description: 'Whose data.' });

export const DataSubjectView = Type.Union([
  Type.Object({ kind: Type.Literal('enterprise'), uscc: Type.String() }),
  Type.Object({ kind: Type.Literal('person'), subjectKey: Hex64('The person\'s pseudonymous subject key.') }),
]);

const StoredSealView = Type.Object({
  keyId: Type.String(), digest: Type.String(), signature: Type.String(), department: Type.String(), sealedAt: LedgerTime,
}, { description: 'The submitting department\'s SM2 seal over the record (see /api/v1/seals/verify).' });

export const DataItemRequest = Type.Object({
  code: ItemCode,
  name: Type.String({ minLength: 1, maxLength: 200 }),
  shareType: Type.Union([Type.Literal('unconditional'), Type.Literal('conditional'), Type.Literal('not-shared')], { description: '共享类型: shared freely, only under an authorization, or not at all.' }),
  sensitivity: Type.Integer({ minimum: 1, maximum: 4, description: 'Sensitivity grade (数据分级), 1 public to 4 most sensitive.' }),
}, strict);

export const DataItemView = Type.Object({
  code: Type.String(), name: Type.String(), owner: Type.String(), shareType: Type.String(), sensitivity: Type.Integer(), registeredAt: LedgerTime, seal: StoredSealView,
});

export const ItemCodeParams = Type.Object({ code: ItemCode }, strict);

export const LegalBasisRequest = Type.Object({
  grantee: MspId,
  items: Items,
  purpose: Purpose,
  scenario: Type.String({ minLength: 1, maxLength: 200, description: 'The scenario this legal basis serves, e.g. a 一网通办 case type.' }),
  validFrom: DateTime,
  validUntil: DateTime,
}, strict);

export const ConsentRequest = Type.Object({
  grantee: MspId,
  items: Items,
  purpose: Purpose,
  validFrom: DateTime,
  validUntil: DateTime,
}, strict);

export const AuthorizationView = Type.Object({
  authorizationId: Type.String(), kind: Type.String(), grantee: Type.String(), items: Type.Array(Type.String()), purpose: Type.String(),
  validFrom: LedgerTime, validUntil: LedgerTime, subject: Type.Optional(DataSubjectView), scenario: Type.Optional(Type.String()),
  status: Type.String(), recordedBy: Type.String(), recordedAt: LedgerTime, seal: StoredSealView,
  revokedAt: Type.Optional(LedgerTime), revocationReason: Type.Optional(Type.String()),
});

export const ReasonRequest = Type.Object({ reason: Type.String({ minLength: 1, maxLength: 500 }) }, strict);
export const AuthorizationParams = Type.Object({ authorizationId: AuthorizationId }, strict);

export const ExchangeRequest = Type.Object({
  subject: DataSubjectInput,
  items: Items,
  purpose: Purpose,
  authorizationId: Type.Optional(AuthorizationId),
  caseReference: Type.String({ minLength: 1, maxLength: 100, description: 'The case the access serves, e.g. a 一网通办 case number.' }),
  qualityRating: Type.Optional(Type.Integer({ minimum: 1, maximum: 5, description: 'Data-quality rating (数据质量评价) of the last data received from these items.' })),
}, strict);

const ReceiptView = Type.Object({
  trailId: TrailId, transactionId: Type.String(), blockNumber: Type.Integer(), recordedAt: LedgerTime,
  resultDigest: Hex64('SM3 of the canonical JSON of `data`: match it to the trail.'), seal: StoredSealView,
});

export const ExchangeResponse = Type.Object({
  data: Type.Record(Type.String(), Type.Unknown(), { description: 'The items\' content, by item code, from the owning departments\' sources.' }),
  receipt: ReceiptView,
});

export const TrailView = Type.Object({
  trailId: TrailId, outcome: TrailOutcome,
  department: Type.String(), officer: Type.String({ description: 'The officer\'s pseudonym.' }), subject: DataSubjectView,
  items: Type.Array(Type.String()), purpose: Type.String(), authorizationId: Type.String(), caseReference: Type.String(),
  resultDigest: Type.String(), qualityRating: Type.Optional(Type.Integer()), requestedAt: Type.String(), recordedAt: LedgerTime,
  refusal: Type.Optional(Type.Object({ check: Type.String(), reason: Type.String() })), seal: StoredSealView,
  blockNumber: Type.Integer({ description: 'The block holding the trail.' }),
  transactionId: Type.String({ description: 'The transaction that recorded it (the trail id).' }),
});

/** How current the off-chain index behind an answer is. */
export const IndexFreshnessView = Type.Object({
  blockNumber: Type.Integer({ description: 'The index holds every trail record up to `transactionId` of this block.' }),
  transactionId: Type.String({ description: 'Empty with block 0: the index holds nothing yet.' }),
  updatedAt: Type.Optional(Type.String({ description: 'When the indexer last moved on (RFC 3339); absent when it has never run.' })),
}, { description: 'How current the off-chain index is. An access recorded after this point is on the ledger already and appears here once the indexer has read it, usually within a second.' });

const PageSizeText = Type.String({ pattern: '^([1-9][0-9]?|[1-4][0-9]{2}|500)$', default: '50', description: 'Trails per page, 1 to 500.' });
export const Bookmark = Type.String({ pattern: '^([0-9a-f]{64})?$', default: '', description: 'The `bookmark` of the previous page; empty for the first.' });
/** A filter's time bound: `from` inclusive, `until` exclusive, on the ledger's time (`recordedAt`). */
export const From = Type.String({ format: 'date-time', description: 'Only trails recorded at or after this time (RFC 3339, e.g. 2027-01-01T00:00:00Z).' });
export const Until = Type.String({ format: 'date-time', description: 'Only trails recorded before this time (RFC 3339); after `from`.' });

export const TrailPageQuery = Type.Object({
  // A query string carries text, and the API does not coerce types: the number is a pattern.
  pageSize: Type.Optional(PageSizeText),
  bookmark: Type.Optional(Bookmark),
  department: Type.Optional(MspId),
  item: Type.Optional(ItemCode),
  outcome: Type.Optional(TrailOutcome),
  from: Type.Optional(From),
  until: Type.Optional(Until),
}, strict);
export const TrailPage = Type.Object({
  trails: Type.Array(TrailView, { description: 'Newest first.' }),
  bookmark: Type.String({ description: 'Send it back for the next page; empty on the last.' }),
  index: IndexFreshnessView,
});

export const ObjectionRequest = Type.Object({ trailId: TrailId, reason: Type.String({ minLength: 1, maxLength: 1000 }) }, strict);
export const AnswerRequest = Type.Object({
  outcome: Type.Union([Type.Literal('justified'), Type.Literal('corrected'), Type.Literal('withdrawn')]),
  text: Type.String({ minLength: 1, maxLength: 2000 }),
}, strict);
export const TrailParams = Type.Object({ trailId: TrailId }, strict);
export const ObjectionView = Type.Object({
  trailId: Type.String(), subject: DataSubjectView, department: Type.String(), reason: Type.String(), raisedAt: LedgerTime,
  status: Type.Union([Type.Literal('open'), Type.Literal('answered')]), seal: StoredSealView,
  answer: Type.Optional(Type.Object({ outcome: Type.String(), text: Type.String(), answeredAt: LedgerTime, seal: StoredSealView })),
});

export type DataSubjectInput = Static<typeof DataSubjectInput>;
