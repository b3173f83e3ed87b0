import { Type, type Static } from '@sinclair/typebox';

/**
 * The seal API's messages (signing service and public verification); like `schemas.ts`, each
 * validates at the edge, types the handler and documents the operation.
 */
const strict = { additionalProperties: false } as const;

const Hex64 = (description: string) => Type.String({ pattern: '^[0-9a-f]{64}$', description });
const Digest = Hex64('SM3 digest of the document, 64 lower-case hex characters.');
const KeyId = Hex64('The seal key\'s id: SM3 of its SubjectPublicKeyInfo DER, hex.');
// Base64 as RFC 4648 writes it: whole 4-character groups, padding only at the end.
const BASE64 = '(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?';
const Document = Type.String({ pattern: `^${BASE64}$`, minLength: 4, description: 'The document\'s bytes, base64; the gateway computes its SM3 digest and keeps nothing. For large documents send `digest` instead.' });
const Signature = Type.String({ pattern: `^${BASE64}$`, minLength: 8, maxLength: 96, description: 'The DER SM2 signature (GB/T 32918, user ID 1234567812345678) over the 32 digest bytes, base64.' });
const MspId = Type.String({ pattern: '^[A-Za-z][A-Za-z0-9]*MSP$', maxLength: 64, description: 'A department, by its Fabric MSP id.' });
const LedgerTime = Type.String({ description: 'RFC 3339 with nine fraction digits, from the ledger.' });

export const SealDocumentRequest = Type.Union([
  Type.Object({ digest: Digest }, { ...strict, title: 'By digest' }),
  Type.Object({ document: Document }, { ...strict, title: 'By document' }),
], { description: 'Either the document (base64) or its SM3 digest.' });

export const DocumentSealReceipt = Type.Object({
  digest: Digest,
  signature: Signature,
  keyId: KeyId,
  department: MspId,
  sealedAt: LedgerTime,
  transactionId: Type.String({ description: 'The Fabric transaction that attests the seal.' }),
  blockNumber: Type.Integer({ minimum: 0, description: 'The block that holds it.' }),
}, { title: 'Document seal receipt' });

export const VerifySealRequest = Type.Object({
  digest: Type.Optional(Digest),
  document: Type.Optional(Document),
  keyId: KeyId,
  signature: Signature,
  department: Type.Optional(Type.String({ pattern: '^[A-Za-z][A-Za-z0-9]*MSP$', maxLength: 64, description: 'Who you expect the sealer to be, by MSP id; a seal by another department is refused.' })),
}, { ...strict, description: 'The seal to check, with exactly one of `document` and `digest`.' });

const SealKeyView = Type.Object({
  keyId: KeyId,
  department: MspId,
  publicKey: Type.String({ description: 'SM2 SubjectPublicKeyInfo PEM: verify offline with it.' }),
  status: Type.Union([Type.Literal('active'), Type.Literal('retired'), Type.Literal('revoked')]),
  validFrom: LedgerTime,
  validUntil: LedgerTime,
  registeredAt: LedgerTime,
  registeredBy: Type.String(),
  retiredAt: Type.Optional(LedgerTime),
  supersededBy: Type.Optional(KeyId),
  revokedAt: Type.Optional(LedgerTime),
  revocationReason: Type.Optional(Type.String()),
  revokedBy: Type.Optional(Type.String()),
}, { $id: 'SealKey', title: 'Seal key' });

const Attestation = Type.Object({
  digest: Digest,
  keyId: KeyId,
  signature: Signature,
  department: MspId,
  sealedAt: LedgerTime,
  transactionId: Type.String(),
});

export const SealVerification = Type.Object({
  valid: Type.Literal(true),
  department: MspId,
  keyId: KeyId,
  checkedAt: Type.String({ description: 'The time the key was checked for: when the ledger attested this seal, or now for a seal it has not attested.' }),
  keyStatus: Type.Union([Type.Literal('active'), Type.Literal('retired'), Type.Literal('revoked')], { description: 'The key\'s status today; the seal is valid because the key was valid at `checkedAt`.' }),
  attestation: Type.Optional(Attestation),
  key: Type.Ref(SealKeyView),
}, { title: 'Valid seal' });

export const SealKeyQuery = Type.Object({ department: MspId }, strict);
export const SealKeyList = Type.Object({ keys: Type.Array(Type.Ref(SealKeyView)) });

export { SealKeyView };
export type SealDocumentRequest = Static<typeof SealDocumentRequest>;
export type VerifySealRequest = Static<typeof VerifySealRequest>;
