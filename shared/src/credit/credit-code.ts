import { canonicalJson } from '../canonical-json';
import { importSm2PublicKey } from '../crypto/keys';
import { sm2Verify } from '../crypto/sm2';
import { sm3 } from '../crypto/sm3';
import type { TrustedSealKey } from '../licenses/license-qr';
import { sealKeyId } from '../seals/seal-records';
import { creditGrades, type CreditGrade } from './evaluation-model';

/**
 * The credit code (信用码): a subject's current grade as a QR payload, sealed by the credit office
 * (its SM2 seal key), verifiable offline like an e-license QR: with the credit office's public key
 * and nothing else. It states the evaluation it shows and is valid for a short time
 * ({@link CREDIT_CODE_VALID_HOURS}), since a grade changes with the next record.
 *
 *     CTCC:1:<subject>:<grade>:<score>:<model version>:<evaluated at>:<valid until>:<evaluation id>:<key id>:<signature>
 *
 * The subject is `E~<USCC>` or `P~<subject key>` (a pseudonym; `~` for the `:` of `E:<USCC>`, the
 * separator here); ids and the signature are
 * base64url; times are percent-encoded. The signature is over SM3 of the canonical JSON of
 * {@link CreditCodeStatement}, exactly as the ledger checks seals.
 */
export interface CreditCodeStatement {
  readonly type: typeof CREDIT_CODE_STATEMENT_TYPE;
  readonly subject: string;
  readonly grade: CreditGrade;
  readonly score: number;
  readonly modelVersion: number;
  readonly evaluatedAt: string;
  readonly validUntil: string;
  /** The evaluation shown (its transaction id, hex). */
  readonly evaluationId: string;
}

export interface CreditCode extends Omit<CreditCodeStatement, 'type'> {
  readonly keyId: string;
  /** DER SM2 signature, base64. */
  readonly signature: string;
}

export const CREDIT_CODE_STATEMENT_TYPE = 'citytrust.credit-code';
export const CREDIT_CODE_VALID_HOURS = 24;
const PREFIX = 'CTCC:1:';

export class CreditCodeFormatError extends Error {
  override readonly name = 'CreditCodeFormatError';
}

export function creditCodeStatement(code: Omit<CreditCode, 'keyId' | 'signature'>): CreditCodeStatement {
  return { type: CREDIT_CODE_STATEMENT_TYPE, subject: code.subject, grade: code.grade, score: code.score, modelVersion: code.modelVersion, evaluatedAt: code.evaluatedAt, validUntil: code.validUntil, evaluationId: code.evaluationId };
}

export function encodeCreditCode(code: CreditCode): string {
  return PREFIX + [
    code.subject.replace(':', '~'), code.grade, String(code.score), String(code.modelVersion), encodeURIComponent(code.evaluatedAt), encodeURIComponent(code.validUntil),
    Buffer.from(code.evaluationId, 'hex').toString('base64url'), Buffer.from(code.keyId, 'hex').toString('base64url'), Buffer.from(code.signature, 'base64').toString('base64url'),
  ].join(':');
}

/** Reads a payload, or throws {@link CreditCodeFormatError} naming the part that is wrong. */
export function decodeCreditCode(text: string): CreditCode {
  const trimmed = text.trim();
  if (trimmed.length > 1024) throw new CreditCodeFormatError(`a credit code is at most 1024 characters, got ${trimmed.length}`);
  if (!trimmed.startsWith(PREFIX)) throw new CreditCodeFormatError(`a CityTrust credit code starts with ${PREFIX}, got ${JSON.stringify(trimmed.slice(0, 12))}`);
  const fields = trimmed.slice(PREFIX.length).split(':');
  if (fields.length !== 9) throw new CreditCodeFormatError(`a credit code has 9 fields after its prefix, got ${fields.length}`);
  const [subject, grade, score, modelVersion, evaluatedAt, validUntil, evaluationId, keyId, signature] = fields as [string, string, string, string, string, string, string, string, string];
  if (!/^[EP]~[0-9A-Za-z]{1,128}$/.test(subject)) throw new CreditCodeFormatError(`the subject is E~<USCC> or P~<subject key>, got ${JSON.stringify(subject.slice(0, 40))}`);
  if (!(creditGrades as readonly string[]).includes(grade)) throw new CreditCodeFormatError(`the grade is one of ${creditGrades.join(', ')}, got ${JSON.stringify(grade)}`);
  if (!/^-?[0-9]{1,7}$/.test(score) || !/^[1-9][0-9]{0,6}$/.test(modelVersion)) throw new CreditCodeFormatError('the score and model version are whole numbers');
  const times = [evaluatedAt, validUntil].map((field) => {
    let value: string;
    try {
      value = decodeURIComponent(field);
    } catch {
      throw new CreditCodeFormatError('a time in the code is not percent-encoded UTF-8');
    }
    if (Number.isNaN(Date.parse(value))) throw new CreditCodeFormatError(`${JSON.stringify(value)} is not a date-time`);
    return value;
  }) as [string, string];
  return {
    subject: subject.replace('~', ':'), grade: grade as CreditGrade, score: Number(score), modelVersion: Number(modelVersion), evaluatedAt: times[0], validUntil: times[1],
    evaluationId: bytes('evaluation id', evaluationId, 32).toString('hex'), keyId: bytes('key id', keyId, 32).toString('hex'), signature: bytes('signature', signature).toString('base64'),
  };
}

export type CreditCodeVerification =
  | { readonly valid: true; readonly keyId: string; readonly code: CreditCode }
  | { readonly valid: false; readonly check: 'unknown_key' | 'bad_signature' | 'key_revoked' | 'code_expired'; readonly reason: string };

/**
 * Verifies a credit code with the keys the verifier trusts (the credit office's, from the ledger
 * or carried offline), without a network: the key must be among them (its id recomputed from the
 * PEM), the signature must verify, the key must not be revoked, and the code must be within its
 * validity at `at` (now by default).
 */
export function verifyCreditCodeOffline(code: CreditCode, keys: readonly TrustedSealKey[], at: string = new Date().toISOString()): CreditCodeVerification {
  const trusted = keys.map((key) => ({ key, publicKey: importSm2PublicKey(key.publicKey) })).find(({ publicKey }) => sealKeyId(publicKey) === code.keyId);
  if (!trusted) return { valid: false, check: 'unknown_key', reason: `the code is sealed with key ${code.keyId}, which is not among the ${keys.length} key(s) you trust: fetch the credit office's keys (GET /api/v1/seals/keys?department=CreditOfficeMSP)` };
  let verifies = false;
  try {
    verifies = sm2Verify(trusted.publicKey, sm3(canonicalJson(creditCodeStatement(code))), Buffer.from(code.signature, 'base64'));
  } catch {
    verifies = false;
  }
  if (!verifies) return { valid: false, check: 'bad_signature', reason: `the signature does not verify over the code's fields with key ${code.keyId}: a field was altered, or it was sealed with another key` };
  if (trusted.key.revokedAt !== undefined) return { valid: false, check: 'key_revoked', reason: `key ${code.keyId} was revoked at ${trusted.key.revokedAt}` };
  if (Date.parse(at) >= Date.parse(code.validUntil)) return { valid: false, check: 'code_expired', reason: `this credit code was valid until ${code.validUntil}; ask for a current one` };
  return { valid: true, keyId: code.keyId, code };
}

function bytes(field: string, text: string, length?: number): Buffer {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) throw new CreditCodeFormatError(`the ${field} is not base64url`);
  const value = Buffer.from(text, 'base64url');
  if (length !== undefined && value.length !== length) throw new CreditCodeFormatError(`the ${field} is ${length} bytes, got ${value.length}`);
  return value;
}
