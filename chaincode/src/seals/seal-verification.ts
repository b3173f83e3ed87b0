import { canonicalJson, importSm2PublicKey, sealKeyEndedAt, sm2VerifyAsync, sm3, type Sm2PublicKey } from '@citytrust/shared';
import type { Context } from 'fabric-contract-api';
import { isoTimestamp } from '../ledger-timestamp';
import type { Seal, StoredSeal } from '@citytrust/shared';
import type { SealKey } from '@citytrust/shared';
import { SEAL_KEY_OBJECT_TYPE } from './seal-key';
import { SealRefusedError } from './seal-refusal';
import { submittingDepartment } from './submitter';

/**
 * The one seal check every contract uses. A sealed record is accepted only if its seal's digest
 * is SM3 of the record's canonical JSON, its key is registered to the submitter's own
 * department and valid at the transaction's time, and the SM2 signature over the digest
 * verifies. Any failed check throws {@link SealRefusedError} naming it, so the transaction writes
 * nothing. Reading the key's record puts it in the read set: a revocation that commits first
 * invalidates a sealed transaction endorsed before it (MVCC), so no seal slips past a revocation.
 *
 * @returns the seal as it is stored beside the record.
 * @example
 * const { record, seal } = await requireSealedRecord(ctx, parseRecord(recordJson), parseSeal('seal', sealJson));
 * await ctx.stub.putState(key, Buffer.from(canonicalJson({ ...record, seal })));
 */
export async function requireSealedRecord(ctx: Context, record: unknown, seal: Seal): Promise<StoredSeal> {
  const digest = sm3(canonicalJson(record)).toString('hex');
  if (digest !== seal.digest) {
    throw new SealRefusedError('digest_mismatch', `the seal's digest ${seal.digest} is not SM3 of the record's canonical JSON (${digest}): the record was changed after it was sealed, or it was serialised differently`);
  }
  return requireSealedDigest(ctx, seal);
}

/**
 * The seal checks for a digest whose content the ledger never sees (a document): key,
 * department, time and signature, as in {@link requireSealedRecord}.
 */
export async function requireSealedDigest(ctx: Context, seal: Seal): Promise<StoredSeal> {
  const department = submittingDepartment(ctx);
  const sealedAt = isoTimestamp(ctx.stub.getTxTimestamp());
  const outcome = await checkSeal(ctx, seal, sealedAt, department);
  if (!outcome.valid) throw new SealRefusedError(outcome.check, outcome.reason);
  return { ...seal, department, sealedAt };
}

/** What {@link checkSeal} found: valid with the key, or which check failed and why. */
export type SealCheckOutcome =
  | { readonly valid: true; readonly key: SealKey }
  | { readonly valid: false; readonly check: SealRefusedError['check']; readonly reason: string; readonly key?: SealKey };

/**
 * Checks a seal as of time `at`: for `department` when given (a submission must use its own
 * department's key), for the key's own department otherwise (anyone verifying a seal). Returns
 * the outcome instead of throwing, for queries that report it.
 */
export async function checkSeal(ctx: Context, seal: Seal, at: string, department?: string): Promise<SealCheckOutcome> {
  const key = await readSealKey(ctx, seal.keyId);
  if (!key) {
    return { valid: false, check: 'unknown_key', reason: `seal key ${seal.keyId} is not registered on the ledger; a department admin registers it with \`citytrust seal register\`` };
  }
  if (department !== undefined && key.department !== department) {
    return { valid: false, key, check: 'other_department', reason: `seal key ${seal.keyId} belongs to ${key.department}, but the record is submitted by ${department}: a department seals with its own key` };
  }
  if (at < key.validFrom) {
    return { valid: false, key, check: 'key_not_yet_valid', reason: `seal key ${seal.keyId} is valid from ${key.validFrom}, after this seal's time ${at}` };
  }
  const ended = sealKeyEndedAt(key, at);
  if (ended) return { valid: false, key, check: ended.check, reason: endedReason(key, ended.check, ended.since, at) };
  if (!(await sm2VerifyAsync(publicKeyOf(key), Buffer.from(seal.digest, 'hex'), Buffer.from(seal.signature, 'base64')))) {
    return { valid: false, key, check: 'bad_signature', reason: `the signature is not ${key.department}'s SM2 signature over digest ${seal.digest} with key ${seal.keyId}: it was forged, made over other bytes, or damaged` };
  }
  return { valid: true, key };
}

/** The key's current record, or undefined when no key has this id. */
export async function readSealKey(ctx: Context, keyId: string): Promise<SealKey | undefined> {
  const bytes = await ctx.stub.getState(ctx.stub.createCompositeKey(SEAL_KEY_OBJECT_TYPE, [keyId]));
  return bytes.length === 0 ? undefined : JSON.parse(Buffer.from(bytes).toString('utf8')) as SealKey;
}

function endedReason(key: SealKey, check: 'key_expired' | 'key_retired' | 'key_revoked', since: string, at: string): string {
  switch (check) {
    case 'key_expired':
      return `seal key ${key.keyId} expired at ${since}, before this seal's time ${at}`;
    case 'key_retired':
      return `seal key ${key.keyId} was replaced by ${key.supersededBy ?? 'a newer key'} at ${since}, before this seal's time ${at}; seal with ${key.department}'s current key`;
    case 'key_revoked':
      return `seal key ${key.keyId} was revoked at ${since} (${key.revocationReason ?? 'no reason given'}), before this seal's time ${at}`;
  }
}

/**
 * Parsed public keys by key id. A key id is the SM3 of the key, so an entry can never go stale;
 * parsing a PEM costs more than verifying, so each endorser parses a key once.
 */
const publicKeys = new Map<string, Sm2PublicKey>();
const MAX_CACHED_KEYS = 1024;

function publicKeyOf(key: SealKey): Sm2PublicKey {
  let parsed = publicKeys.get(key.keyId);
  if (!parsed) {
    parsed = importSm2PublicKey(key.publicKey);
    if (publicKeys.size >= MAX_CACHED_KEYS) publicKeys.delete(publicKeys.keys().next().value as string);
    publicKeys.set(key.keyId, parsed);
  }
  return parsed;
}
