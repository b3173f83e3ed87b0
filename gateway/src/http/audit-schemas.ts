import { Type, type Static } from '@sinclair/typebox';
import { ANOMALY_RULES, DEFAULT_ANOMALY_PARAMETERS, MAX_PAGE_SIZE } from '@citytrust/credit-service';
import { MAX_AUDIT_BUNDLE_TRAILS } from '../audit-bundles/audit-bundle';
import { AuthorizationId, Bookmark, DataSubjectInput, From, Hex64, IndexFreshnessView, ItemCode, MspId, Purpose, TrailOutcome, TrailView, Until } from './trail-schemas';

/**
 * The auditors' API: tracing share trails in the off-chain index and the anomaly report. As
 * everywhere in the API, one schema validates, types and documents.
 */
const strict = { additionalProperties: false } as const;

/** The filters of a trace: every one given narrows it. */
const trailFilters = {
  subject: Type.Optional(DataSubjectInput),
  department: Type.Optional(MspId),
  officer: Type.Optional(Hex64('An officer\'s pseudonym, as trails record it.')),
  item: Type.Optional(ItemCode),
  purpose: Type.Optional(Purpose),
  authorizationId: Type.Optional(AuthorizationId),
  outcome: Type.Optional(TrailOutcome),
  from: Type.Optional(From),
  until: Type.Optional(Until),
};

export const TrailSearchRequest = Type.Object({
  ...trailFilters,
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE, default: 50, description: `Trails per page, 1 to ${MAX_PAGE_SIZE}.` })),
  bookmark: Type.Optional(Bookmark),
}, { ...strict, description: 'Every field given narrows the trace; none gives every trail, newest first.' });

/** The search an audit bundle exports: the trace's filters, without paging (the bundle holds every match). */
export const AuditBundleRequest = Type.Object({
  ...trailFilters,
  openpgpPublicKey: Type.Optional(Type.String({
    minLength: 1,
    maxLength: 65_536,
    description: 'Encrypt the bundle to this OpenPGP public key, ASCII-armored as `gpg --armor --export <e-mail>` writes it (`-----BEGIN PGP PUBLIC KEY BLOCK-----` ... `-----END PGP PUBLIC KEY BLOCK-----`), with a (sub)key that can encrypt now. The answer is then the same signed bundle as one binary OpenPGP message (`application/pgp-encrypted`, `audit-bundle-<time>.json.pgp`): `gpg --decrypt` gives back the JSON, or `citytrust audit verify --pgp-key <private key>` checks it as it is. A key that does not parse, a private key, or one with no valid encryption subkey is a 400 naming this field, and nothing is exported.',
  })),
}, { ...strict, description: `The filters of \`POST /api/v1/audit/trails/search\`, without paging: the bundle holds every matching trail, at most \`GATEWAY_AUDIT_BUNDLE_MAX_TRAILS\` (default ${MAX_AUDIT_BUNDLE_TRAILS}); and, to have it encrypted, the auditor's OpenPGP public key.` });

export const TrailSearchPage = Type.Object({
  trails: Type.Array(TrailView, { description: 'Newest first.' }),
  bookmark: Type.String({ description: 'Send it back (with the same filters) for the next page; empty on the last.' }),
  index: IndexFreshnessView,
});

const Rule = Type.Union(ANOMALY_RULES.map((rule) => Type.Literal(rule)), { description: 'An anomaly rule (see the gateway README, "Anomaly rules").' });
/** A whole number in a query string (the API does not coerce types), from 1 to `digits` nines. */
const Count = (digits: number, fallback: number, description: string) => Type.String({ pattern: `^[1-9][0-9]{0,${digits - 1}}$`, default: String(fallback), description: `${description} Default ${fallback}, at most ${'9'.repeat(digits)}.` });

export const AnomalyQuery = Type.Object({
  from: Type.Optional(Type.String({ format: 'date-time', description: 'The start of the period examined (RFC 3339, inclusive). Default: 7 days before `until`.' })),
  until: Type.Optional(Type.String({ format: 'date-time', description: 'The end of the period examined (RFC 3339, exclusive). Default: now.' })),
  rule: Type.Optional(Type.String({ pattern: `^(${ANOMALY_RULES.join('|')})(,(${ANOMALY_RULES.join('|')}))*$`, description: `Which rules run, comma-separated: ${ANOMALY_RULES.join(', ')}. Default: all.` })),
  groupBy: Type.Optional(Type.Union([Type.Literal('officer'), Type.Literal('department')], { default: DEFAULT_ANOMALY_PARAMETERS.groupBy, description: 'Whether bulk-pull and repeated-refusals count per officer or per department.' })),
  bulkSubjects: Type.Optional(Count(5, DEFAULT_ANOMALY_PARAMETERS.bulkSubjects, 'bulk-pull: more than this many distinct subjects read within `bulkWindowMinutes`.')),
  bulkWindowMinutes: Type.Optional(Count(5, DEFAULT_ANOMALY_PARAMETERS.bulkWindowMinutes, 'bulk-pull: the sliding window, in minutes.')),
  refusals: Type.Optional(Count(4, DEFAULT_ANOMALY_PARAMETERS.refusals, 'repeated-refusals: at least this many refused attempts within `refusalWindowMinutes`.')),
  refusalWindowMinutes: Type.Optional(Count(5, DEFAULT_ANOMALY_PARAMETERS.refusalWindowMinutes, 'repeated-refusals: the sliding window, in minutes.')),
  revokedWithinMinutes: Type.Optional(Count(6, DEFAULT_ANOMALY_PARAMETERS.revokedWithinMinutes, 'revoked-after-use: an authorization revoked at most this many minutes after an access under it.')),
  limit: Type.Optional(Type.String({ pattern: '^([1-9][0-9]?|[1-4][0-9]{2}|500)$', default: String(DEFAULT_ANOMALY_PARAMETERS.limit), description: `Most findings returned. Default ${DEFAULT_ANOMALY_PARAMETERS.limit}, at most 500.` })),
}, strict);

const FindingTrailView = Type.Object({
  trailId: Type.String(), transactionId: Type.String(), blockNumber: Type.Integer(), recordedAt: Type.String(),
  outcome: TrailOutcome,
});

export const AnomalyFindingView = Type.Object({
  rule: Rule,
  department: Type.String(),
  officer: Type.Optional(Type.String({ description: 'The officer\'s pseudonym, when the finding is about one officer.' })),
  authorizationId: Type.Optional(Type.String()),
  trails: Type.Array(FindingTrailView, { description: `The trails the finding rests on, oldest first, at most ${DEFAULT_ANOMALY_PARAMETERS.trailsPerFinding}; each has its proof at /api/v1/trails/{trailId}/proof.` }),
  trailCount: Type.Integer({ description: 'How many trails the finding rests on in all.' }),
  at: Type.String({ description: 'The ledger time of the finding\'s latest trail (or of the revocation).' }),
  reason: Type.String({ description: 'Why this is an anomaly, in words.' }),
});

export const AnomalyReportView = Type.Object({
  from: Type.String(),
  until: Type.String(),
  parameters: Type.Object({
    rules: Type.Array(Rule), groupBy: Type.String(), bulkSubjects: Type.Integer(), bulkWindowMinutes: Type.Integer(),
    refusals: Type.Integer(), refusalWindowMinutes: Type.Integer(), revokedWithinMinutes: Type.Integer(), limit: Type.Integer(), trailsPerFinding: Type.Integer(),
  }, { description: 'The parameters the rules ran with, defaults filled in.' }),
  findings: Type.Array(AnomalyFindingView, { description: 'Newest first.' }),
  truncated: Type.Boolean({ description: 'More findings matched than `limit`: narrow the period or the rules.' }),
  index: IndexFreshnessView,
});

export type TrailSearchRequest = Static<typeof TrailSearchRequest>;
export type AuditBundleRequest = Static<typeof AuditBundleRequest>;
export type AnomalyQuery = Static<typeof AnomalyQuery>;
