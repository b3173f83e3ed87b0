import { Type, type Static } from '@sinclair/typebox';
import { DataSubjectInput } from './trail-schemas';

/**
 * The e-license API's messages (types, issuance, lifecycle, holders' licenses, public
 * verification, uses and annotated copies): one schema validates, types and documents each.
 */
const strict = { additionalProperties: false } as const;

const MspId = Type.String({ pattern: '^[A-Za-z][A-Za-z0-9]*MSP$', maxLength: 64, description: 'A department, by its Fabric MSP id.' });
const Uscc = Type.String({ pattern: '^[0-9A-HJ-NPQRTUWXY]{18}$', description: 'Unified Social Credit Code (GB 32100).' });
const TypeCode = Type.String({ pattern: '^[0-9A-HJ-NPQRTUWXY]{18}[0-9]{3}$', description: 'License type code (证照类型代码): the defining department\'s USCC and three digits.' });
const Identifier = Type.String({
  pattern: '^1\\.2\\.156\\.3005\\.2\\.[0-9A-Z]{21}\\.[0-9A-Z]{18}\\.[0-9A-Z]{1,32}\\.[0-9]{3}\\.[0-9A-Z]$',
  description: 'E-license identifier (电子证照标识, GB/T 36904): 1.2.156.3005.2.<type code>.<issuer USCC>.<serial>.<version>.<check>; the check character (ISO 7064 MOD 37,36) is checked, a mistyped identifier is a 400.',
});
const Hex64 = (description: string) => Type.String({ pattern: '^[0-9a-f]{64}$', description });
const DocumentDigest = Hex64('SM3 of the license document (OFD/PDF), hex.');
const Document = Type.String({ maxLength: 174_000, pattern: '^[A-Za-z0-9+/]*={0,2}$', description: 'The license document\'s bytes, base64 (up to 128 KiB); the gateway computes its SM3 digest. Send this or documentDigest.' });
const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'A date, YYYY-MM-DD (China Standard Time).' });
const CaseReference = Type.String({ minLength: 1, maxLength: 100, description: 'The case (e.g. a 一网通办 case number).' });
const Purpose = Type.String({ pattern: '^[a-z0-9][a-z0-9.-]{1,63}$', description: 'A purpose code, e.g. business-licence.review.' });
const Reason = Type.String({ minLength: 1, maxLength: 500, pattern: '\\S', description: 'Why: kept on the ledger with the move.' });
const Metadata = Type.Record(Type.String({ pattern: '^[a-z][A-Za-z0-9]{0,63}$' }), Type.String({ maxLength: 2000 }), { maxProperties: 50, description: 'The type\'s metadata fields (GB/T 36903), by name.' });
const LedgerTime = Type.String({ description: 'RFC 3339 with nine fraction digits, from the ledger.' });
const Text = (max: number, description: string) => Type.String({ minLength: 1, maxLength: max, pattern: '\\S', description });

const StoredSealView = Type.Object({ keyId: Type.String(), digest: Type.String(), signature: Type.String(), department: Type.String(), sealedAt: LedgerTime });
const HolderView = Type.Union([
  Type.Object({ kind: Type.Literal('enterprise'), uscc: Type.String() }),
  Type.Object({ kind: Type.Literal('person'), subjectKey: Hex64('The person\'s pseudonymous subject key.') }),
]);
const StatusChangeView = Type.Object({ from: Type.String(), to: Type.String(), reason: Type.String(), by: Type.String(), at: LedgerTime, transactionId: Type.String(), seal: Type.Optional(Type.Object(StoredSealView.properties, { description: 'The mover\'s seal over the move, made in `transactionId`; absent on moves recorded before the ledger stored it.' })) });
const Status = Type.Union(['valid', 'suspended', 'changed', 'revoked', 'cancelled', 'expired'].map((s) => Type.Literal(s)), { description: 'expired is read from the date: no transaction makes it.' });

export const LicenseTypeRequest = Type.Object({
  code: TypeCode,
  name: Text(200, 'e.g. 营业执照'),
  issuers: Type.Array(Type.Object({ department: MspId, uscc: Uscc }, strict), { minItems: 1, maxItems: 20, description: 'Who may issue it, each with the USCC it issues under (the identifier\'s issuer part).' }),
  supervisors: Type.Array(MspId, { maxItems: 20, uniqueItems: true, description: 'Departments besides the issuer that may suspend, reinstate, revoke or cancel its licenses.' }),
  validity: Type.Object({ maxValidityDays: Type.Union([Type.Integer({ minimum: 1, maximum: 36_600 }), Type.Null()], { description: 'null: licenses of the type do not expire.' }) }, strict),
  metadataFields: Type.Array(Type.Object({ name: Type.String({ pattern: '^[a-z][A-Za-z0-9]{0,63}$' }), label: Text(100, 'e.g. 经营范围'), required: Type.Boolean() }, strict), { minItems: 1, maxItems: 50 }),
}, strict);

export const LicenseTypeView = Type.Object({
  code: Type.String(), name: Type.String(), issuers: Type.Array(Type.Object({ department: Type.String(), uscc: Type.String() })), supervisors: Type.Array(Type.String()),
  validity: Type.Object({ maxValidityDays: Type.Union([Type.Integer(), Type.Null()]) }),
  metadataFields: Type.Array(Type.Object({ name: Type.String(), label: Type.String(), required: Type.Boolean() })),
  definedBy: Type.String(), registeredAt: LedgerTime, seal: StoredSealView,
});
export const TypeCodeParams = Type.Object({ code: TypeCode }, strict);

export const LicenseView = Type.Object({
  identifier: Type.String(), typeCode: Type.String(), holder: HolderView, caseReference: Type.String(), validFrom: Type.String(), validUntil: Type.Union([Type.String(), Type.Null()]),
  metadata: Type.Record(Type.String(), Type.String()), documentDigest: Type.String(), issuer: Type.Object({ department: Type.String(), uscc: Type.String() }), issuedAt: LedgerTime,
  status: Type.String({ description: 'As stored; see a verification for the status now (expiry included).' }), lastChange: Type.Optional(StatusChangeView),
  supersededBy: Type.Optional(Type.String()), supersedes: Type.Optional(Type.String()), seal: StoredSealView, qrSeal: StoredSealView,
});

const IssuedView = Type.Object({ license: LicenseView, qr: Type.String({ description: 'The QR payload to print on the license: verifies offline with the issuer\'s public key (`citytrust license verify`).' }) });

export const IssueLicenseRequest = Type.Object({
  typeCode: TypeCode,
  holder: DataSubjectInput,
  caseReference: CaseReference,
  validFrom: Day,
  validUntil: Type.Union([Day, Type.Null()], { description: 'The last valid day; null for a type whose licenses do not expire.' }),
  metadata: Metadata,
  documentDigest: Type.Optional(DocumentDigest),
  document: Type.Optional(Document),
}, strict);
export const IssueLicenseResponse = IssuedView;

export const IdentifierParams = Type.Object({ identifier: Identifier }, strict);
export const StatusChangeRequest = Type.Object({
  action: Type.Union([Type.Literal('suspend'), Type.Literal('reinstate'), Type.Literal('revoke'), Type.Literal('cancel')], { description: 'suspend (valid→suspended), reinstate (suspended→valid), revoke 吊销 or cancel 注销 (valid/suspended→final).' }),
  reason: Reason,
}, strict);

export const ChangeLicenseRequest = Type.Object({
  reason: Reason,
  caseReference: CaseReference,
  validFrom: Day,
  validUntil: Type.Union([Day, Type.Null()]),
  metadata: Metadata,
  documentDigest: Type.Optional(DocumentDigest),
  document: Type.Optional(Document),
}, strict);
export const ChangeLicenseResponse = Type.Object({ license: LicenseView, previous: LicenseView, qr: Type.String() });

export const HolderLicensesRequest = Type.Object({
  holder: DataSubjectInput,
  purpose: Purpose,
  caseReference: CaseReference,
  authorizationId: Type.Optional(Hex64('For a person holder: the consent or legal basis that covers the item EL-HOLDER-LICENSES.')),
}, strict);
export const HolderLicensesResponse = Type.Object({
  licenses: Type.Array(LicenseView),
  receipt: Type.Optional(Type.Object({ trailId: Type.String(), transactionId: Type.String(), blockNumber: Type.Integer(), recordedAt: LedgerTime, resultDigest: Type.String(), seal: StoredSealView }, { description: 'For a person holder: the share trail that recorded this read.' })),
});
export const LicenseList = Type.Object({ licenses: Type.Array(LicenseView) });

export const VerifyLicenseRequest = Type.Object({
  identifier: Type.Optional(Identifier),
  qr: Type.Optional(Type.String({ minLength: 1, maxLength: 2048, description: 'The QR payload (CTEL:1:...) of a license or an annotated copy.' })),
  document: Type.Optional(Document),
  documentDigest: Type.Optional(DocumentDigest),
  purpose: Type.Optional(Text(200, 'For an annotated copy: what you rely on it for; it verifies only for its own.')),
  recipient: Type.Optional(Text(200, 'For an annotated copy: who you are; it verifies only for its own recipient.')),
}, strict);

export const LicenseVerificationResponse = Type.Object({
  valid: Type.Boolean({ description: 'True when the license is valid now and every presented item checked out.' }),
  status: Status,
  statusChange: Type.Optional(StatusChangeView),
  checkedAt: LedgerTime,
  license: LicenseView,
  issuerKey: Type.Object({ keyId: Type.String(), department: Type.String(), status: Type.String() }),
  checked: Type.Object({ qrSignature: Type.Boolean(), document: Type.Boolean(), annotatedCopy: Type.Boolean() }),
  copy: Type.Optional(Type.Object({ purpose: Type.String(), recipient: Type.String(), validUntil: Type.String(), madeAt: LedgerTime, sealedBy: Type.String({ description: 'The department that sealed the copy (its QR verifies with its keys).' }) })),
});

export const RecordUseRequest = Type.Object({ caseReference: CaseReference, purpose: Purpose }, strict);
export const RecordUseResponse = Type.Object({
  use: Type.Object({ useId: Type.String(), identifier: Type.String(), department: Type.String(), officer: Type.String(), caseReference: Type.String(), purpose: Type.String(), statusAtUse: Status, recordedAt: LedgerTime, seal: StoredSealView }),
  verification: LicenseVerificationResponse,
});

const Where = {
  department: Type.String({ description: 'The department whose transaction it was (the issuer, the mover, or the user).' }),
  transactionId: Type.String({ description: 'The transaction that recorded it (see GET /api/v1/transactions/{id}).' }),
  blockNumber: Type.Integer({ description: 'The block that holds that transaction.' }),
};
const MadeSeal = {
  seal: Type.Optional(Type.Object(StoredSealView.properties, { description: 'The department\'s SM2 seal made in this transaction (over the issue record, the move, the change or the use); `GET /api/v1/transactions/{id}` checks it. Absent on moves recorded before the ledger stored their seal.' })),
};
const TimelineEvent = Type.Union([
  Type.Object({ kind: Type.Literal('issued'), at: LedgerTime, ...Where, ...MadeSeal, version: Type.String({ description: 'This identifier: its version is its second-to-last part.' }), supersedes: Type.Optional(Type.String({ description: 'For a version after the first: the version it replaced.' })) }),
  Type.Object({ kind: Type.Literal('status-changed'), at: LedgerTime, ...Where, ...MadeSeal, action: Type.Union(['suspend', 'reinstate', 'revoke', 'cancel'].map((a) => Type.Literal(a))), from: Type.String(), to: Type.String(), reason: Type.String() }),
  Type.Object({ kind: Type.Literal('new-version'), at: LedgerTime, ...Where, ...MadeSeal, supersededBy: Type.String({ description: 'The next version\'s identifier.' }), reason: Type.String() }),
  Type.Object({ kind: Type.Literal('used'), at: LedgerTime, ...Where, ...MadeSeal, officer: Type.String({ description: 'The officer, by pseudonym.' }), caseReference: Type.String(), purpose: Type.String(), statusAtUse: Status }),
  Type.Object({ kind: Type.Literal('expired'), at: Type.String({ description: 'The end of the last valid day (China Standard Time): expiry is read from the date, no transaction makes it.' }) }),
]);
export const LicenseTimelineResponse = Type.Object({
  identifier: Type.String(),
  status: Status,
  checkedAt: LedgerTime,
  license: LicenseView,
  events: Type.Array(TimelineEvent, { description: 'This page\'s events, oldest first.' }),
  cursor: Type.String({ description: 'Send it back as `cursor` for the next page; empty on the last.' }),
});
export const TimelineQuery = Type.Object({
  // A query string carries text, and the API does not coerce types: the number is a pattern.
  limit: Type.Optional(Type.String({ pattern: '^([1-9][0-9]?|1[0-9]{2}|200)$', default: '50', description: 'Events per page, 1 to 200.' })),
  cursor: Type.Optional(Type.String({ pattern: '^([1-9][0-9]{0,8})?$', default: '', description: 'The `cursor` of the previous page; empty for the first.' })),
}, strict);

export const AnnotatedCopyRequest = Type.Object({
  purpose: Text(200, 'What the copy may be used for, e.g. 办理贷款.'),
  recipient: Text(200, 'Who may rely on it, e.g. a bank\'s name.'),
  validUntil: Type.String({ format: 'date-time', description: 'The copy is void from then on (kept to the second).' }),
}, strict);
export const AnnotatedCopyResponse = Type.Object({
  copy: Type.Object({ type: Type.String(), identifier: Type.String(), documentDigest: Type.String(), purpose: Type.String(), recipient: Type.String(), validUntil: Type.String(), madeAt: LedgerTime, seal: StoredSealView }),
  qr: Type.String({ description: 'The copy\'s QR payload: verifies offline with the platform\'s key, only for its purpose and recipient, until validUntil.' }),
});

export type IssueLicenseRequest = Static<typeof IssueLicenseRequest>;
