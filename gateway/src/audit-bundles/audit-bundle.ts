import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { ProofBundleSchema } from '@citytrust/network-config';
import { canonicalJson, DEFAULT_SM2_USER_ID, sm3 } from '@citytrust/shared';
import { DataSubjectView, IndexFreshnessView, TrailView } from '../http/trail-schemas';

/**
 * A signed audit bundle (`citytrust-audit-bundle/1`): what an auditor exports to hand a trace to
 * someone who trusts neither the gateway nor the auditor (a court, an inspector). One JSON
 * document, checked by `citytrust audit verify` offline:
 *
 * - `entries`: each trail as the off-chain index holds it, with its ledger proof (a
 *   `citytrust-proof/1` bundle whose block bytes sit once in `blocks`, since a block holds many
 *   trails and every proof shares the channel's config block);
 * - `blocks`: those blocks' bytes;
 * - `manifest`: the query, who exported it, when, from which department, and the SM3 digest of
 *   every entry and block;
 * - `seal`: the department's SM2 seal over the manifest's digest, with the key (PEM) and the
 *   proof that the ledger attested that very seal, so the key's registration and validity at
 *   that time are checked like any sealed record's.
 *
 * JSON rather than a tar or zip: a proof bundle is JSON already, the digests are SM3 over RFC
 * 8785 canonical JSON (the rule every seal in CityTrust follows), and a reader needs no archive
 * tool to look inside.
 */
export const AUDIT_BUNDLE_FORMAT = 'citytrust-audit-bundle/1';
/** The most trails one bundle holds; a search matching more is refused, to be narrowed. */
export const MAX_AUDIT_BUNDLE_TRAILS = 10_000;

const strict = { additionalProperties: false } as const;
const Hex64 = (description: string) => Type.String({ pattern: '^[0-9a-f]{64}$', description });
const BlockReference = Type.Object({ number: Type.Integer({ minimum: 0, description: 'The block\'s number; its bytes are in the bundle\'s `blocks`.' }) }, strict);

/** A proof bundle with its blocks named by number: `block.bytes` and `configBlock.bytes` are in the audit bundle's `blocks`. */
export const ProofEvidence = Type.Object({
  ...ProofBundleSchema.properties,
  block: BlockReference,
  configBlock: BlockReference,
}, { ...strict, description: 'The trail\'s `citytrust-proof/1` bundle (as `GET /api/v1/trails/{trailId}/proof` answers) with `block.bytes` and `configBlock.bytes` left out: they are in `blocks`.' });

/** The search that produced the bundle, as the gateway ran it: a person appears only as their subject key. */
export const AuditQuery = Type.Object({
  subject: Type.Optional(DataSubjectView),
  department: Type.Optional(Type.String()),
  officer: Type.Optional(Type.String()),
  item: Type.Optional(Type.String()),
  purpose: Type.Optional(Type.String()),
  authorizationId: Type.Optional(Type.String()),
  outcome: Type.Optional(Type.Union([Type.Literal('granted'), Type.Literal('refused')])),
  from: Type.Optional(Type.String()),
  until: Type.Optional(Type.String()),
}, { ...strict, description: 'The filters of `POST /api/v1/audit/trails/search` that produced the bundle; a person is named by their subject key, never their identity number.' });

export const AuditManifest = Type.Object({
  format: Type.Literal(AUDIT_BUNDLE_FORMAT),
  query: AuditQuery,
  createdAt: Type.String({ description: 'When the gateway made the bundle (RFC 3339).' }),
  auditor: Type.String({ description: 'The username of the auditor who exported it.' }),
  department: Type.String({ description: 'The gateway\'s department (MSP id), whose seal signs the manifest.' }),
  index: IndexFreshnessView,
  entries: Type.Array(Type.Object({
    trailId: Type.String(),
    blockNumber: Type.Integer({ minimum: 0 }),
    digest: Hex64('SM3 of the entry\'s RFC 8785 canonical JSON.'),
  }, strict), { description: 'Every entry, in the bundle\'s order (newest first).' }),
  blocks: Type.Array(Type.Object({
    number: Type.Integer({ minimum: 0 }),
    digest: Hex64('SM3 of the block\'s bytes.'),
  }, strict), { description: 'Every block whose bytes the bundle holds, by number.' }),
}, { ...strict, description: 'What the seal signs: SM3 of its RFC 8785 canonical JSON is `seal.digest`.' });

export const ManifestSeal = Type.Object({
  algorithm: Type.Literal('SM2-SM3', { description: 'An SM2 signature (GB/T 32918) over the 32 bytes of the SM3 digest, as every CityTrust seal.' }),
  userId: Type.Literal(DEFAULT_SM2_USER_ID, { description: 'The SM2 user ID (the standard\'s default).' }),
  department: Type.String(),
  keyId: Hex64('SM3 of the key\'s SubjectPublicKeyInfo DER.'),
  publicKey: Type.String({ description: 'The seal key, SubjectPublicKeyInfo PEM.' }),
  digest: Hex64('SM3 of the manifest\'s canonical JSON.'),
  signature: Type.String({ pattern: '^[A-Za-z0-9+/]*={0,2}$', description: 'DER SM2 signature over the digest, base64.' }),
  sealedAt: Type.String({ description: 'When the ledger attested the seal (its transaction\'s time).' }),
  attestation: ProofBundleSchema,
}, { ...strict, description: 'The department\'s seal over the manifest. `attestation` is the proof of the ledger transaction that attested this seal (a document attestation): it shows the key was the department\'s registered seal key, valid at `sealedAt`.' });

export const AuditBundleEntry = Type.Object({
  trail: TrailView,
  proof: ProofEvidence,
}, strict);

export const AuditBundleSchema = Type.Object({
  format: Type.Literal(AUDIT_BUNDLE_FORMAT),
  manifest: AuditManifest,
  seal: ManifestSeal,
  entries: Type.Array(AuditBundleEntry),
  blocks: Type.Array(Type.Object({
    number: Type.Integer({ minimum: 0 }),
    bytes: Type.String({ pattern: '^[A-Za-z0-9+/]*={0,2}$', description: 'The `common.Block` protobuf as the ledger stores it, base64.' }),
  }, strict)),
}, { ...strict, description: `A signed audit bundle (${AUDIT_BUNDLE_FORMAT}); \`citytrust audit verify <file>\` checks it offline.` });

export type AuditQuery = Static<typeof AuditQuery>;
export type AuditManifest = Static<typeof AuditManifest>;
export type AuditBundleEntry = Static<typeof AuditBundleEntry>;
export type AuditBundle = Static<typeof AuditBundleSchema>;

/** SM3 of a value's RFC 8785 canonical JSON: the digest of an entry, and of the manifest. */
export function jsonDigest(value: unknown): Buffer {
  return sm3(canonicalJson(value));
}

/** A file that is not a `citytrust-audit-bundle/1` document; `problems` names each field that is wrong. */
export class AuditBundleFormatError extends Error {
  override readonly name = 'AuditBundleFormatError';
  constructor(readonly problems: readonly string[]) {
    super(`not a ${AUDIT_BUNDLE_FORMAT} audit bundle: ${problems.join('; ')}`);
  }
}

/** Parsed JSON becomes a typed {@link AuditBundle} here, or an error naming at most ten wrong fields. */
export function parseAuditBundle(json: unknown): AuditBundle {
  if (Value.Check(AuditBundleSchema, json)) return json;
  const format = typeof json === 'object' && json !== null ? (json as { format?: unknown }).format : undefined;
  if (format !== AUDIT_BUNDLE_FORMAT) {
    const hint = format === 'citytrust-proof/1' ? ' (a single proof: check it with `citytrust proof verify`)' : '';
    throw new AuditBundleFormatError([`/format: ${JSON.stringify(format ?? null)}, not '${AUDIT_BUNDLE_FORMAT}'${hint}`]);
  }
  const problems = [...Value.Errors(AuditBundleSchema, json)].slice(0, 10).map((error) => `${error.path || '/'}: ${error.message}`);
  throw new AuditBundleFormatError(problems);
}
