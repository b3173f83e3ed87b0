import { canonicalJson } from '../canonical-json';
import { importSm2PublicKey, type Sm2PublicKey } from '../crypto/keys';
import { sm2Verify } from '../crypto/sm2';
import { sm3 } from '../crypto/sm3';
import { sealKeyId, type SealKey } from '../seals/seal-records';
import { sealKeyEndedAt } from '../seals/seal-key-validity';
import { ANNOTATED_COPY_STATEMENT_TYPE, licenseQrStatement, type AnnotatedCopyRecord, type LicenseQrStatement } from './license-records';
import { parseLicenseIdentifier, LicenseIdentifierError } from './license-identifier';

/**
 * The QR payload of an e-license or of an annotated copy: self-contained and signed, so a phone or
 * the CLI verifies it with the signer's public key and nothing else (offline), and the gateway adds
 * the license's current status (online).
 *
 *     CTEL:1:L:<identifier>:<document digest>:<key id>:<signature>
 *     CTEL:1:A:<identifier>:<document digest>:<purpose>:<recipient>:<valid until>:<key id>:<signature>
 *
 * Digests, key ids and signatures are base64url (no padding); text fields are percent-encoded
 * UTF-8, so no field holds a `:`. The signature is the signer's SM2 seal over SM3 of the canonical
 * JSON of the signed statement ({@link signedStatementOf}), exactly as the ledger checks seals.
 */
export type LicenseQrPayload = LicenseQr | AnnotatedCopyQr;

export interface LicenseQr {
  readonly kind: 'license';
  readonly identifier: string;
  /** SM3 of the license document, hex. */
  readonly documentDigest: string;
  readonly keyId: string;
  /** DER SM2 signature, base64. */
  readonly signature: string;
}

export interface AnnotatedCopyQr extends Omit<LicenseQr, 'kind'> {
  readonly kind: 'annotated-copy';
  readonly purpose: string;
  readonly recipient: string;
  readonly validUntil: string;
}

const PREFIX = 'CTEL:1:';
const MAX_PAYLOAD_CHARACTERS = 2048;

/** The payload cannot be read: the reason says which part. */
export class LicenseQrFormatError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'LicenseQrFormatError';
  }
}

export function encodeLicenseQr(payload: LicenseQrPayload): string {
  const tail = [b64url(payload.keyId, 'hex'), b64url(payload.signature, 'base64')];
  if (payload.kind === 'license') return `${PREFIX}L:${[payload.identifier, b64url(payload.documentDigest, 'hex'), ...tail].join(':')}`;
  const text = [payload.purpose, payload.recipient, payload.validUntil].map(encodeURIComponent);
  return `${PREFIX}A:${[payload.identifier, b64url(payload.documentDigest, 'hex'), ...text, ...tail].join(':')}`;
}

/** Reads a payload, or throws {@link LicenseQrFormatError} saying what is wrong; the identifier's check character is checked. */
export function decodeLicenseQr(text: string): LicenseQrPayload {
  const trimmed = text.trim();
  if (trimmed.length > MAX_PAYLOAD_CHARACTERS) throw new LicenseQrFormatError(`a license QR payload is at most ${MAX_PAYLOAD_CHARACTERS} characters, got ${trimmed.length}`);
  if (!trimmed.startsWith(PREFIX)) throw new LicenseQrFormatError(`a CityTrust e-license QR payload starts with ${PREFIX}, got ${JSON.stringify(trimmed.slice(0, 20))}`);
  const [kind, ...fields] = trimmed.slice(PREFIX.length).split(':');
  const expected = kind === 'L' ? 4 : kind === 'A' ? 7 : undefined;
  if (expected === undefined) throw new LicenseQrFormatError(`the payload's kind is L (a license) or A (an annotated copy), got ${JSON.stringify(kind)}`);
  if (fields.length !== expected) throw new LicenseQrFormatError(`a ${kind === 'L' ? 'license' : 'annotated copy'} payload has ${expected} fields after its kind, got ${fields.length}`);
  const [identifier, digest] = fields as [string, string];
  try {
    parseLicenseIdentifier(identifier);
  } catch (error) {
    if (error instanceof LicenseIdentifierError) throw new LicenseQrFormatError(`the identifier in the payload is not valid: ${error.message}`);
    throw error;
  }
  const signed = {
    identifier,
    documentDigest: fromB64url('document digest', digest, 32).toString('hex'),
    keyId: fromB64url('key id', fields.at(-2)!, 32).toString('hex'),
    signature: fromB64url('signature', fields.at(-1)!).toString('base64'),
  };
  if (kind === 'L') return { kind: 'license', ...signed };
  const [purpose, recipient, validUntil] = fields.slice(2, 5).map((field, i) => decodeText(['purpose', 'recipient', 'valid until'][i]!, field)) as [string, string, string];
  if (Number.isNaN(Date.parse(validUntil))) throw new LicenseQrFormatError(`the copy's valid-until is not a date-time: ${JSON.stringify(validUntil)}`);
  return { kind: 'annotated-copy', ...signed, purpose, recipient, validUntil };
}

/** The statement whose canonical JSON's SM3 digest the payload's signature seals. */
export function signedStatementOf(payload: LicenseQrPayload): LicenseQrStatement | AnnotatedCopyRecord {
  if (payload.kind === 'license') return licenseQrStatement(payload.identifier, payload.documentDigest);
  return { type: ANNOTATED_COPY_STATEMENT_TYPE, identifier: payload.identifier, documentDigest: payload.documentDigest, purpose: payload.purpose, recipient: payload.recipient, validUntil: payload.validUntil };
}

/** SM3 of the signed statement's canonical JSON: the digest of the payload's seal. */
export function licenseQrDigest(payload: LicenseQrPayload): Buffer {
  return sm3(canonicalJson(signedStatementOf(payload)));
}

/** A public key a verifier trusts: its PEM and, when known (from the ledger), its validity record. */
export type TrustedSealKey = { readonly publicKey: string } & Partial<Omit<SealKey, 'publicKey'>>;

export type LicenseQrCheck =
  | 'unknown_key'
  | 'bad_signature'
  | 'key_not_yet_valid'
  | 'key_expired'
  | 'key_retired'
  | 'key_revoked'
  | 'use_not_stated'
  | 'purpose_mismatch'
  | 'recipient_mismatch'
  | 'copy_expired';

export type LicenseQrVerification =
  | { readonly valid: true; readonly keyId: string; readonly department?: string }
  | { readonly valid: false; readonly check: LicenseQrCheck; readonly reason: string };

export interface LicenseQrVerifyOptions {
  /** When the verification is made (RFC 3339); now by default. An annotated copy is void from its valid-until. */
  readonly at?: string;
  /**
   * When the signature was made, if the verifier knows it (the ledger's issue time): the key's
   * validity is then judged at that time. Unknown (offline), a revoked key fails, since the
   * signature might postdate the revocation; a retired or expired key does not, since seals made
   * while it was current stay valid.
   */
  readonly signedAt?: string;
  /** For an annotated copy: the use the verifier relies on it for. It verifies only for the copy's own. */
  readonly use?: { readonly purpose: string; readonly recipient: string };
}

/**
 * Verifies a payload with the keys the verifier trusts, without a network: the key named by the
 * payload must be among them (its id is recomputed from the PEM, never taken on trust), the SM2
 * signature must verify over the statement, the key must not be revoked (or, with `signedAt`,
 * must have been valid then), and an annotated copy must be within its time and for the stated use.
 */
export function verifyLicenseQrOffline(payload: LicenseQrPayload, keys: readonly TrustedSealKey[], options: LicenseQrVerifyOptions = {}): LicenseQrVerification {
  const at = options.at ?? new Date().toISOString();
  const trusted = keys.map((key) => ({ key, ...parsedKey(key.publicKey) })).find(({ keyId }) => keyId === payload.keyId);
  if (!trusted) return { valid: false, check: 'unknown_key', reason: `the payload is signed with key ${payload.keyId}, which is not among the ${keys.length} key(s) you trust: fetch the issuer's keys (GET /api/v1/seals/keys?department=) or verify online` };
  if (!signatureVerifies(trusted.publicKey, payload)) {
    return { valid: false, check: 'bad_signature', reason: `the signature does not verify over the payload's fields with key ${payload.keyId}: a field was altered, or it was signed with another key` };
  }
  const ended = keyEnded(trusted.key, options.signedAt);
  if (ended) return ended;
  if (payload.kind === 'annotated-copy') {
    const refusal = copyRefusal(payload, at, options.use);
    if (refusal) return refusal;
  }
  return { valid: true, keyId: payload.keyId, ...(trusted.key.department ? { department: trusted.key.department } : {}) };
}

/**
 * Parsed public keys and their ids by PEM: parsing a PEM costs more than an SM2 verification, and
 * a verifier checks many payloads against the same few keys. The id is recomputed from the key.
 */
const parsedKeys = new Map<string, { publicKey: Sm2PublicKey; keyId: string }>();
const MAX_PARSED_KEYS = 1024;

function parsedKey(pem: string): { publicKey: Sm2PublicKey; keyId: string } {
  let parsed = parsedKeys.get(pem);
  if (!parsed) {
    const publicKey = importSm2PublicKey(pem);
    parsed = { publicKey, keyId: sealKeyId(publicKey) };
    if (parsedKeys.size >= MAX_PARSED_KEYS) parsedKeys.delete(parsedKeys.keys().next().value as string);
    parsedKeys.set(pem, parsed);
  }
  return parsed;
}

function signatureVerifies(publicKey: Sm2PublicKey, payload: LicenseQrPayload): boolean {
  try {
    return sm2Verify(publicKey, licenseQrDigest(payload), Buffer.from(payload.signature, 'base64'));
  } catch {
    return false;
  }
}

function keyEnded(key: TrustedSealKey, signedAt: string | undefined): LicenseQrVerification | undefined {
  const id = key.keyId ?? 'the signing key';
  if (signedAt === undefined) {
    return key.revokedAt === undefined ? undefined : { valid: false, check: 'key_revoked', reason: `${id} was revoked at ${key.revokedAt} (${key.revocationReason ?? 'no reason given'}); offline the signing time is unknown, so verify online to learn whether it was sealed before` };
  }
  if (key.validFrom !== undefined && signedAt < key.validFrom) return { valid: false, check: 'key_not_yet_valid', reason: `${id} is valid from ${key.validFrom}, after the signature's time ${signedAt}` };
  if (key.validUntil === undefined) return undefined;
  const ended = sealKeyEndedAt({ validUntil: key.validUntil, ...(key.retiredAt ? { retiredAt: key.retiredAt } : {}), ...(key.revokedAt ? { revokedAt: key.revokedAt } : {}) }, signedAt);
  if (!ended) return undefined;
  const why = ended.check === 'key_revoked' ? ` (${key.revocationReason ?? 'no reason given'})` : '';
  return { valid: false, check: ended.check, reason: `${id} stopped sealing at ${ended.since}${why}, before the signature's time ${signedAt}` };
}

function copyRefusal(copy: AnnotatedCopyQr, at: string, use: LicenseQrVerifyOptions['use']): LicenseQrVerification | undefined {
  if (Date.parse(at) >= Date.parse(copy.validUntil)) return { valid: false, check: 'copy_expired', reason: `this annotated copy was valid until ${copy.validUntil}; ask the holder for a new one` };
  if (!use) return { valid: false, check: 'use_not_stated', reason: `an annotated copy verifies only for its use: state the purpose and recipient you rely on it for (this one is for "${copy.purpose}", to "${copy.recipient}")` };
  if (use.purpose !== copy.purpose) return { valid: false, check: 'purpose_mismatch', reason: `this annotated copy is for "${copy.purpose}", not "${use.purpose}"` };
  if (use.recipient !== copy.recipient) return { valid: false, check: 'recipient_mismatch', reason: `this annotated copy is for "${copy.recipient}", not "${use.recipient}"` };
  return undefined;
}

function b64url(value: string, encoding: 'hex' | 'base64'): string {
  return Buffer.from(value, encoding).toString('base64url');
}

function fromB64url(field: string, text: string, length?: number): Buffer {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) throw new LicenseQrFormatError(`the payload's ${field} is not base64url, got ${JSON.stringify(text.slice(0, 20))}`);
  const bytes = Buffer.from(text, 'base64url');
  if (length !== undefined && bytes.length !== length) throw new LicenseQrFormatError(`the payload's ${field} is ${length} bytes, got ${bytes.length}`);
  return bytes;
}

function decodeText(field: string, text: string): string {
  try {
    const value = decodeURIComponent(text);
    if (value.length === 0) throw new LicenseQrFormatError(`the copy's ${field} is empty`);
    return value;
  } catch (error) {
    if (error instanceof LicenseQrFormatError) throw error;
    throw new LicenseQrFormatError(`the copy's ${field} is not percent-encoded UTF-8`);
  }
}
