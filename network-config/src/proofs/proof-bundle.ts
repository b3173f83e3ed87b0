import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

/**
 * A proof bundle (`citytrust-proof/1`): everything a third party needs to check, without
 * trusting the gateway or any peer, that a department's sealed record was written on the ledger
 * by a valid transaction in a block the ordering service signed. Evidence only: the verifier
 * recomputes every claim from the blocks' bytes, and the bundle's own fields are checked against
 * them. Built by {@link buildProofBundle}, checked by {@link verifyProofBundle} and
 * `citytrust proof verify`; the gateway serves it for a trail entry and the explorer checks it
 * in the browser.
 */
export const PROOF_BUNDLE_FORMAT = 'citytrust-proof/1';

const Hex64 = Type.String({ pattern: '^[0-9a-f]{64}$', description: '32 bytes, lower-case hex' });
const base64 = (description: string) => Type.String({ pattern: '^[A-Za-z0-9+/]*={0,2}$', description });
const LedgerTime = Type.String({ description: 'RFC 3339 UTC with nine fraction digits, as the ledger writes times' });

const BlockEvidenceSchema = Type.Object({
  number: Type.Integer({ minimum: 0, description: 'the block number' }),
  bytes: base64('the `common.Block` protobuf exactly as the ledger stores it (qscc GetBlockByNumber), base64'),
}, { additionalProperties: false });

/** The orderer organisation's CA certificates as the config block names them, PEM. */
export const OrdererRootsSchema = Type.Object({
  mspId: Type.String({ minLength: 1 }),
  rootCertificates: Type.Array(Type.String(), { description: 'PEM X.509 root CA certificates of the orderer organisation\'s MSP' }),
  intermediateCertificates: Type.Array(Type.String(), { description: 'PEM X.509 intermediate CA certificates' }),
}, { additionalProperties: false });

/** A seal as the ledger stores it beside a record (`StoredSeal` in `@citytrust/shared`). */
export const StoredSealSchema = Type.Object({
  keyId: Hex64,
  digest: Hex64,
  signature: base64('DER SM2 signature over the digest\'s 32 bytes, base64'),
  department: Type.String({ description: 'the sealing department\'s MSP id' }),
  sealedAt: LedgerTime,
}, { additionalProperties: false });

/** A seal key's record (`SealKey` in `@citytrust/shared`). */
export const SealKeySchema = Type.Object({
  keyId: Hex64,
  department: Type.String(),
  publicKey: Type.String({ description: 'SubjectPublicKeyInfo PEM of the SM2 public key' }),
  validFrom: LedgerTime,
  validUntil: LedgerTime,
  status: Type.Union([Type.Literal('active'), Type.Literal('retired'), Type.Literal('revoked')]),
  registeredAt: LedgerTime,
  registeredBy: Type.String(),
  retiredAt: Type.Optional(LedgerTime),
  supersededBy: Type.Optional(Type.String()),
  revokedAt: Type.Optional(LedgerTime),
  revocationReason: Type.Optional(Type.String()),
  revokedBy: Type.Optional(Type.String()),
}, { additionalProperties: false });

export const ProofBundleSchema = Type.Object({
  format: Type.Literal(PROOF_BUNDLE_FORMAT),
  channel: Type.String({ minLength: 1 }),
  transactionId: Hex64,
  /** The block holding the transaction. */
  block: BlockEvidenceSchema,
  transactionIndex: Type.Integer({ minimum: 0, description: 'the transaction\'s position in the block\'s data' }),
  /** The channel's last config block as of `block` (its LAST_CONFIG), where the orderer roots come from. */
  configBlock: BlockEvidenceSchema,
  ordererRoots: Type.Array(OrdererRootsSchema, { minItems: 1 }),
  sealed: Type.Object({
    /** The chaincode event of the transaction that carries the seal. */
    event: Type.String({ minLength: 1 }),
    /** Where the seal sits in the event's JSON payload: `["seal"]` beside a record, `[]` for a document attestation. */
    sealPath: Type.Array(Type.String()),
    /** The record exactly as sealed (its canonical JSON hashes to the seal's digest); absent when the seal is over a document, which stays off the ledger. */
    record: Type.Optional(Type.Unknown()),
    seal: StoredSealSchema,
  }, { additionalProperties: false }),
  /** The seal key's history (`seal:keyHistory`), newest first: the newest is the key's current record. */
  sealKey: Type.Object({
    history: Type.Array(Type.Object({ transactionId: Type.String(), timestamp: LedgerTime, key: SealKeySchema }, { additionalProperties: false }), { minItems: 1 }),
  }, { additionalProperties: false }),
}, { additionalProperties: false });

export type ProofBundle = Static<typeof ProofBundleSchema>;

/** A bundle that is not a `citytrust-proof/1` document; `problems` names each field that is wrong. */
export class ProofBundleFormatError extends Error {
  override readonly name = 'ProofBundleFormatError';
  constructor(readonly problems: readonly string[]) {
    super(`not a ${PROOF_BUNDLE_FORMAT} proof bundle: ${problems.join('; ')}`);
  }
}

/**
 * Checks parsed JSON against {@link ProofBundleSchema}: the edge where a bundle from anywhere (a
 * file, the gateway, an upload) becomes a typed {@link ProofBundle}.
 *
 * @throws ProofBundleFormatError naming every field that does not fit (at most ten).
 */
export function parseProofBundle(json: unknown): ProofBundle {
  if (Value.Check(ProofBundleSchema, json)) return json;
  const problems = [...Value.Errors(ProofBundleSchema, json)].slice(0, 10).map((error) => `${error.path || '/'}: ${error.message}`);
  throw new ProofBundleFormatError(problems);
}
