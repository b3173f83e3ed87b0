import { canonicalJson, importSm2PublicKey, sealKeyId, Sm2KeyError, type Sm2PublicKey } from '@citytrust/shared';
import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { InvalidArgumentError } from './arguments';
import { characters } from './trails/record-fields';
import { isoTimestamp } from './ledger-timestamp';
import { drain } from './query-iterators';
import { parseLedgerTime } from './seals/ledger-time';
import { parseSeal, requireHex } from './seals/seal-argument';
import {
  CURRENT_SEAL_KEY_OBJECT_TYPE,
  SEAL_KEY_BY_DEPARTMENT_OBJECT_TYPE,
  SEAL_KEY_OBJECT_TYPE,
} from './seals/seal-key';
import type { SealKey } from '@citytrust/shared';
import { checkSeal, readSealKey, requireSealedDigest } from './seals/seal-verification';
import { requireDepartmentAdmin, type Submitter } from './seals/submitter';
import type { DocumentAttestation, DocumentSealVerification, SealKeyVersion } from '@citytrust/shared';

/** The object type of document attestations: (`document-seal`, digest, txId). */
export const DOCUMENT_SEAL_OBJECT_TYPE = 'document-seal';
/** The chaincode events this contract sets, one per transaction. */
export const SEAL_KEY_EVENT = 'seal.key';
export const DOCUMENT_SEALED_EVENT = 'seal.document';

const MAX_VALIDITY_MS = 10 * 366 * 24 * 3600 * 1000;
const MAX_REASON_LENGTH = 500;

/**
 * Departments' seal keys (电子印章) and sealed documents. Each department's administrator
 * registers the public half of the department's SM2 seal key, rotates it and revokes it; the
 * private half never reaches the ledger. Every business record a department submits carries a
 * seal that the one mechanism in `seals/seal-verification.ts` checks against these keys; this
 * contract's own sealed record is the document attestation behind the gateway's signing service.
 *
 * @example
 * ```ts
 * await adminContract.submitTransaction('seal:registerKey', publicKeyPem, '2028-12-31T00:00:00Z', '');
 * await officerContract.submitTransaction('seal:attestDocument', JSON.stringify({ keyId, digest, signature }));
 * ```
 */
@Info({ title: 'SealContract', description: 'Departments\' SM2 seal keys, and documents sealed with them' })
export class SealContract extends Contract {
  constructor() {
    super('seal');
  }

  /**
   * Registers `publicKeyPem` (SM2 SubjectPublicKeyInfo) as the submitting department's current
   * seal key, valid from `validFrom` (empty: the transaction's time) until `validUntil`. A
   * department with a current key rotates instead, so it never has two.
   */
  @Transaction()
  @Returns('string')
  async registerKey(ctx: Context, publicKeyPem: string, validUntil: string, validFrom: string): Promise<string> {
    const admin = requireDepartmentAdmin(ctx, 'register its seal keys');
    const now = isoTimestamp(ctx.stub.getTxTimestamp());
    const current = await currentKeyId(ctx, admin.department);
    if (current !== undefined) {
      throw new InvalidArgumentError('publicKeyPem', `cannot be registered: ${admin.department} already has the current seal key ${current}; rotate it (seal:rotateKey) or revoke it first`);
    }
    const from = validFrom === '' ? now : parseLedgerTime('validFrom', validFrom);
    if (from < now) throw new InvalidArgumentError('validFrom', `must not be before the transaction's time ${now}: a key cannot be made valid for seals made before it existed`);
    const key = await newKey(ctx, admin, publicKeyPem, from, parseLedgerTime('validUntil', validUntil), now);
    await writeKey(ctx, key);
    await ctx.stub.putState(currentKeyStateKey(ctx, admin.department), Buffer.from(key.keyId));
    await ctx.stub.putState(ctx.stub.createCompositeKey(SEAL_KEY_BY_DEPARTMENT_OBJECT_TYPE, [admin.department, key.keyId]), Buffer.from(key.keyId));
    ctx.stub.setEvent(SEAL_KEY_EVENT, Buffer.from(canonicalJson({ action: 'registered', key })));
    return canonicalJson(key);
  }

  /**
   * Replaces the department's current key `currentKeyId` by `newPublicKeyPem` at the
   * transaction's time. The old key stays on the ledger, retired: seals it made before now still
   * verify, later ones do not.
   */
  @Transaction()
  @Returns('string')
  async rotateKey(ctx: Context, currentKeyIdArgument: string, newPublicKeyPem: string, validUntil: string): Promise<string> {
    const admin = requireDepartmentAdmin(ctx, 'rotate its seal keys');
    const now = isoTimestamp(ctx.stub.getTxTimestamp());
    const oldKeyId = requireHex('currentKeyId', currentKeyIdArgument);
    const current = await currentKeyId(ctx, admin.department);
    if (current !== oldKeyId) {
      throw new InvalidArgumentError('currentKeyId', `${oldKeyId} is not ${admin.department}'s current seal key (${current ?? 'it has none; register one'}); rotate the current key`);
    }
    const old = await readSealKey(ctx, oldKeyId);
    if (!old) throw new Error(`the ledger names ${oldKeyId} as ${admin.department}'s current key but holds no record of it`);
    const key = await newKey(ctx, admin, newPublicKeyPem, now, parseLedgerTime('validUntil', validUntil), now);
    await writeKey(ctx, { ...old, status: 'retired', retiredAt: now, supersededBy: key.keyId });
    await writeKey(ctx, key);
    await ctx.stub.putState(currentKeyStateKey(ctx, admin.department), Buffer.from(key.keyId));
    await ctx.stub.putState(ctx.stub.createCompositeKey(SEAL_KEY_BY_DEPARTMENT_OBJECT_TYPE, [admin.department, key.keyId]), Buffer.from(key.keyId));
    ctx.stub.setEvent(SEAL_KEY_EVENT, Buffer.from(canonicalJson({ action: 'rotated', key, retired: oldKeyId })));
    return canonicalJson(key);
  }

  /**
   * Revokes one of the department's keys from `revokedAt` (empty: the transaction's time; an
   * earlier time when the key is known to have been compromised since then) with a reason.
   * Seals made before `revokedAt` stay verifiable as valid at their time.
   */
  @Transaction()
  @Returns('string')
  async revokeKey(ctx: Context, keyIdArgument: string, reason: string, revokedAt: string): Promise<string> {
    const admin = requireDepartmentAdmin(ctx, 'revoke its seal keys');
    const now = isoTimestamp(ctx.stub.getTxTimestamp());
    const keyId = requireHex('keyId', keyIdArgument);
    if (reason.trim().length === 0 || characters(reason) > MAX_REASON_LENGTH) {
      throw new InvalidArgumentError('reason', `must say why the key is revoked, in 1 to ${MAX_REASON_LENGTH} characters`);
    }
    const key = await readSealKey(ctx, keyId);
    if (!key || key.department !== admin.department) {
      throw new InvalidArgumentError('keyId', `${keyId} is not a seal key of ${admin.department}; list them with seal:listKeys`);
    }
    if (key.status === 'revoked') throw new InvalidArgumentError('keyId', `${keyId} was already revoked at ${key.revokedAt}`);
    const at = revokedAt === '' ? now : parseLedgerTime('revokedAt', revokedAt);
    if (at > now) throw new InvalidArgumentError('revokedAt', `must not be after the transaction's time ${now}: revoke when the time comes`);
    const revoked: SealKey = { ...key, status: 'revoked', revokedAt: at < key.validFrom ? key.validFrom : at, revocationReason: reason, revokedBy: admin.id };
    await writeKey(ctx, revoked);
    if ((await currentKeyId(ctx, admin.department)) === keyId) await ctx.stub.deleteState(currentKeyStateKey(ctx, admin.department));
    ctx.stub.setEvent(SEAL_KEY_EVENT, Buffer.from(canonicalJson({ action: 'revoked', key: revoked })));
    return canonicalJson(revoked);
  }

  /** A seal key's current record. */
  @Transaction(false)
  @Returns('string')
  async getKey(ctx: Context, keyIdArgument: string): Promise<string> {
    const keyId = requireHex('keyId', keyIdArgument);
    const key = await readSealKey(ctx, keyId);
    if (!key) throw new InvalidArgumentError('keyId', `${keyId} is not a registered seal key`);
    return canonicalJson(key);
  }

  /** Every seal key `department` has registered, current and past, in key id order. */
  @Transaction(false)
  @Returns('string')
  async listKeys(ctx: Context, department: string): Promise<string> {
    if (department.length === 0) throw new InvalidArgumentError('department', 'must name a department by its MSP id');
    const keys: SealKey[] = [];
    for (const kv of await drain(await ctx.stub.getStateByPartialCompositeKey(SEAL_KEY_BY_DEPARTMENT_OBJECT_TYPE, [department]))) {
      const key = await readSealKey(ctx, Buffer.from(kv.value).toString('utf8'));
      if (key) keys.push(key);
    }
    return canonicalJson(keys);
  }

  /** Every version of a seal key's record, newest first: its registration, retirement or revocation. */
  @Transaction(false)
  @Returns('string')
  async keyHistory(ctx: Context, keyIdArgument: string): Promise<string> {
    const keyId = requireHex('keyId', keyIdArgument);
    const versions: SealKeyVersion[] = (await drain(await ctx.stub.getHistoryForKey(ctx.stub.createCompositeKey(SEAL_KEY_OBJECT_TYPE, [keyId]))))
      .map((modification) => ({
        transactionId: modification.txId,
        timestamp: isoTimestamp(modification.timestamp),
        key: JSON.parse(Buffer.from(modification.value).toString('utf8')) as SealKey,
      }));
    return canonicalJson(versions);
  }

  /**
   * Records that the submitting department sealed the document with SM3 digest `seal.digest`.
   * The seal passes the same checks as every sealed record; the document itself never reaches
   * the ledger. Returns the stored attestation.
   */
  @Transaction()
  @Returns('string')
  async attestDocument(ctx: Context, sealJson: string): Promise<string> {
    const stored = await requireSealedDigest(ctx, parseSeal('seal', sealJson));
    const attestation: DocumentAttestation = { ...stored, transactionId: ctx.stub.getTxID() };
    await ctx.stub.putState(ctx.stub.createCompositeKey(DOCUMENT_SEAL_OBJECT_TYPE, [stored.digest, attestation.transactionId]), Buffer.from(canonicalJson(attestation)));
    ctx.stub.setEvent(DOCUMENT_SEALED_EVENT, Buffer.from(canonicalJson(attestation)));
    return canonicalJson(attestation);
  }

  /**
   * Checks a seal on a digest, for anyone: whose key it is, whether the signature verifies, and
   * whether the key was valid when the seal was made: at the time the ledger attested it, or now
   * for a seal the ledger has not attested. `department`, when not empty, is who the verifier
   * expects the sealer to be. Answers the outcome rather than failing, so a verifier learns which
   * check failed.
   */
  @Transaction(false)
  @Returns('string')
  async verifySeal(ctx: Context, sealJson: string, department: string): Promise<string> {
    const seal = parseSeal('seal', sealJson);
    const attestations = (await drain(await ctx.stub.getStateByPartialCompositeKey(DOCUMENT_SEAL_OBJECT_TYPE, [seal.digest])))
      .map((kv) => JSON.parse(Buffer.from(kv.value).toString('utf8')) as DocumentAttestation);
    const attested = attestations.find((a) => a.keyId === seal.keyId && a.signature === seal.signature);
    const at = attested?.sealedAt ?? isoTimestamp(ctx.stub.getTxTimestamp());
    const outcome = await checkSeal(ctx, seal, at, department === '' ? undefined : department);
    const result: DocumentSealVerification = outcome.valid
      ? { valid: true, checkedAt: at, key: outcome.key, ...(attested ? { attestation: attested } : {}), attestations }
      : { valid: false, checkedAt: at, check: outcome.check, reason: outcome.reason, ...(outcome.key ? { key: outcome.key } : {}), ...(attested ? { attestation: attested } : {}), attestations };
    return canonicalJson(result);
  }
}

async function newKey(ctx: Context, admin: Submitter, publicKeyPem: string, validFrom: string, validUntil: string, now: string): Promise<SealKey> {
  let publicKey: Sm2PublicKey;
  try {
    publicKey = importSm2PublicKey(publicKeyPem);
  } catch (error) {
    if (error instanceof Sm2KeyError || error instanceof TypeError) throw new InvalidArgumentError('publicKeyPem', `is not an SM2 public key: ${error.message}`);
    throw error;
  }
  if (validUntil <= validFrom) throw new InvalidArgumentError('validUntil', `must be after the key's validFrom ${validFrom}, got ${validUntil}`);
  if (Date.parse(validUntil) - Date.parse(validFrom) > MAX_VALIDITY_MS) {
    throw new InvalidArgumentError('validUntil', 'must be at most 10 years after validFrom: rotate a seal key at least that often');
  }
  const keyId = sealKeyId(publicKey);
  const existing = await readSealKey(ctx, keyId);
  if (existing) throw new InvalidArgumentError('publicKeyPem', `is already registered, as seal key ${keyId} of ${existing.department}; generate a new key`);
  return { keyId, department: admin.department, publicKey: publicKey.toPem(), validFrom, validUntil, status: 'active', registeredAt: now, registeredBy: admin.id };
}


async function writeKey(ctx: Context, key: SealKey): Promise<void> {
  await ctx.stub.putState(ctx.stub.createCompositeKey(SEAL_KEY_OBJECT_TYPE, [key.keyId]), Buffer.from(canonicalJson(key)));
}

function currentKeyStateKey(ctx: Context, department: string): string {
  return ctx.stub.createCompositeKey(CURRENT_SEAL_KEY_OBJECT_TYPE, [department]);
}

async function currentKeyId(ctx: Context, department: string): Promise<string | undefined> {
  const bytes = await ctx.stub.getState(currentKeyStateKey(ctx, department));
  return bytes.length === 0 ? undefined : Buffer.from(bytes).toString('utf8');
}

