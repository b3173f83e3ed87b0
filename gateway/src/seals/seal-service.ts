import { canonicalJson, sm3, type DocumentAttestation, type DocumentSealVerification, type Seal, type SealCheck, type SealKey, type SealKeyVersion } from '@citytrust/shared';
import { ApiError, ConflictError, ForbiddenError, NotFoundError } from '../errors';
import { LedgerRejectedError } from '../ledger/fabric-ledger';
import type { Ledger, SubmittedTransaction } from '../ledger/ledger';
import type { CustodyKey, SealKeyCustody, SealSigner } from './seal-key-custody';

/** 422: a seal did not pass a check; `details.check` names which (see {@link SealCheck}). */
export class SealRefusedApiError extends ApiError {
  constructor(readonly check: SealCheck, message: string, details: Record<string, unknown> = {}) {
    super(422, 'seal_refused', message, { check, ...details });
  }
}

/** What sealing a document returns: the seal, and the transaction that attests it on the ledger. */
export interface DocumentSealReceipt extends Seal {
  readonly department: string;
  readonly sealedAt: string;
  readonly transactionId: string;
  readonly blockNumber: number;
}

/** A department's seal key as the ledger has it, and whether the gateway holds its private half. */
export interface SealKeyListing {
  readonly keyId: string;
  readonly ledger?: SealKey;
  readonly custody?: CustodyKey;
}

/**
 * Seals: the signing service for documents, public verification, and a department admin's
 * management of its seal keys. Keys are registered, rotated and revoked on the ledger with the
 * department's admin identity, and the gateway's custody follows what the ledger accepted.
 */
export interface SealService {
  /** Seals the document with SM3 digest `digest` with the department's active key and has the ledger attest it. */
  sealDocument(department: string, digest: Buffer): Promise<DocumentSealReceipt>;
  /**
   * Submits a business record sealed by the department: its canonical JSON, SM3-hashed and
   * signed with the department's active key, as the transaction's arguments
   * `[recordJson, ...extraArguments, sealJson]` (the chaincode checks the seal with the one
   * mechanism every contract uses). Stale keys are handled as in {@link sealDocument}.
   * Statements in `alsoSealed` (e.g. a license's QR statement) are sealed with the same key, each
   * seal sent as one more argument after the record's.
   */
  submitSealedRecord(department: string, target: { contract: string; transaction: string }, record: object, extraArguments?: string[], alsoSealed?: readonly object[]): Promise<{ seal: Seal; submitted: SubmittedTransaction }>;
  /**
   * Seals a statement that goes on no ledger (a credit code): SM3 of its canonical JSON, signed
   * with the department's active key. A verifier checks it against the keys the ledger publishes.
   */
  sealStatement(department: string, statement: object): Promise<Seal>;
  /** Checks a seal on the ledger; a seal that fails a check is a {@link SealRefusedApiError}. */
  verify(seal: Seal, expectedDepartment?: string): Promise<Extract<DocumentSealVerification, { valid: true }>>;
  generateKey(department: string, createdBy: string): Promise<CustodyKey>;
  /** Registers a generated key (the department's newest one when `keyId` is absent) as its current key. */
  registerKey(department: string, validUntil: string, keyId?: string): Promise<SealKey>;
  /** Generates a key and makes it the department's current key in place of the active one. */
  rotateKey(department: string, validUntil: string, createdBy: string): Promise<SealKey>;
  revokeKey(department: string, keyId: string, reason: string, revokedAt?: string): Promise<SealKey>;
  /** The department's keys in custody and on the ledger, side by side (for its admin). */
  listKeys(department: string): Promise<SealKeyListing[]>;
  /** The department's keys as the ledger publishes them (for anyone). */
  ledgerKeys(department: string): Promise<SealKey[]>;
  keyHistory(keyId: string, department: string): Promise<SealKeyVersion[]>;
}

export interface SealServiceOptions {
  readonly ledger: Ledger;
  readonly custody: SealKeyCustody;
  /** The department whose client identity asks the ledger public questions (verification). */
  readonly queryDepartment: string;
  /** Called once a key registration, rotation or revocation through this service is over, committed or not. */
  readonly onKeysChanged?: () => void;
}

/** Refusals that mean "the key this gateway sealed with is no longer the department's key". */
const STALE_KEY_CHECKS: ReadonlySet<SealCheck> = new Set(['unknown_key', 'key_retired', 'key_revoked', 'key_expired']);

export function newSealService({ ledger, custody, queryDepartment, onKeysChanged }: SealServiceOptions): SealService {
  /**
   * Each department's active signer, read from custody once and then kept: the chaincode, not
   * this cache, decides whether a key may seal. When the ledger refuses a seal because its key
   * was rotated, revoked or expired (by the CLI, or another gateway), the signer is read again
   * and the seal made once more, so a rotation costs one refused endorsement, not a database
   * query on every seal.
   */
  const signers = new Map<string, SealSigner>();
  const signerFor = async (department: string, fresh: boolean): Promise<SealSigner | undefined> => {
    const cached = fresh ? undefined : signers.get(department);
    if (cached) return cached;
    const signer = await custody.activeSigner(department);
    if (signer) signers.set(department, signer);
    else signers.delete(department);
    return signer;
  };
  const submit = async (department: string, identity: 'client' | 'admin', transaction: string, args: string[], contract = 'seal') => {
    try {
      return await ledger.submit({ department, identity, contract, transaction, arguments: args });
    } catch (error) {
      throw refusalOf(error);
    } finally {
      // Only an administrator manages keys; a client submission is a sealed record.
      if (identity === 'admin') onKeysChanged?.();
    }
  };
  const evaluate = async <T>(transaction: string, args: string[], department = queryDepartment): Promise<T> => {
    try {
      return parse<T>(await ledger.evaluate({ department, contract: 'seal', transaction, arguments: args }));
    } catch (error) {
      throw refusalOf(error);
    }
  };
  /**
   * Seals `digest` with the department's signer and submits; when the ledger refuses the key as
   * no longer the department's (rotated, revoked, expired elsewhere), reads custody again and
   * tries once more with the new key.
   */
  const sealAndSubmit = async (department: string, digest: Buffer, send: (seal: Seal, alsoSeals: Seal[]) => Promise<SubmittedTransaction>, alsoDigests: readonly Buffer[] = []): Promise<{ seal: Seal; submitted: SubmittedTransaction }> => {
    let signer = await signerFor(department, false);
    for (let attempt = 0; ; attempt++) {
      if (!signer) {
        throw new ConflictError(`${department} has no active seal key, so the gateway cannot seal for it; a department admin runs \`citytrust seal keygen\` and \`citytrust seal register\``, { department });
      }
      const current = signer;
      const sealOf = async (bytes: Buffer): Promise<Seal> => ({ keyId: current.keyId, digest: bytes.toString('hex'), signature: (await current.sign(bytes)).toString('base64') });
      const [seal, ...alsoSeals] = await Promise.all([digest, ...alsoDigests].map(sealOf)) as [Seal, ...Seal[]];
      try {
        return { seal, submitted: await send(seal, alsoSeals) };
      } catch (error) {
        if (attempt > 0 || !(error instanceof SealRefusedApiError) || !STALE_KEY_CHECKS.has(error.check)) throw error;
        const fresh = await signerFor(department, true);
        if (fresh?.keyId === signer.keyId) throw error;
        signer = fresh;
      }
    }
  };
  const generatedKey = async (department: string, keyId: string | undefined): Promise<CustodyKey> => {
    const candidates = (await custody.list(department)).filter((key) => key.state === 'generated' && (keyId === undefined || key.keyId === keyId));
    const key = candidates.at(-1);
    if (!key) {
      throw new NotFoundError(keyId === undefined
        ? `${department} has no generated seal key waiting to be registered; create one with \`citytrust seal keygen --department ${department}\``
        : `the gateway holds no generated (unregistered) seal key ${keyId} of ${department}; see \`citytrust seal list --department ${department}\``);
    }
    return key;
  };

  return {
    async sealDocument(department, digest) {
      const { seal, submitted } = await sealAndSubmit(department, digest, (seal) => submit(department, 'client', 'attestDocument', [JSON.stringify(seal)]));
      const attestation = parse<DocumentAttestation>(submitted.result);
      return { ...seal, department, sealedAt: attestation.sealedAt, transactionId: submitted.transactionId, blockNumber: submitted.blockNumber };
    },

    async submitSealedRecord(department, target, record, extraArguments = [], alsoSealed = []) {
      const recordJson = canonicalJson(record);
      const send = (seal: Seal, alsoSeals: Seal[]) => submit(department, 'client', target.transaction, [recordJson, ...extraArguments, JSON.stringify(seal), ...alsoSeals.map((s) => JSON.stringify(s))], target.contract);
      return sealAndSubmit(department, sm3(recordJson), send, alsoSealed.map((statement) => sm3(canonicalJson(statement))));
    },

    async sealStatement(department, statement) {
      const signer = await signerFor(department, false);
      if (!signer) throw new ConflictError(`${department} has no active seal key, so the gateway cannot seal for it; a department admin runs \`citytrust seal keygen\` and \`citytrust seal register\``, { department });
      const digest = sm3(canonicalJson(statement));
      return { keyId: signer.keyId, digest: digest.toString('hex'), signature: (await signer.sign(digest)).toString('base64') };
    },

    async verify(seal, expectedDepartment) {
      const verification = await evaluate<DocumentSealVerification>('verifySeal', [JSON.stringify(seal), expectedDepartment ?? '']);
      if (!verification.valid) {
        throw new SealRefusedApiError(verification.check, verification.reason, { keyId: seal.keyId, checkedAt: verification.checkedAt, ...(verification.key ? { department: verification.key.department } : {}) });
      }
      return verification;
    },

    generateKey: (department, createdBy) => custody.generate(department, createdBy),

    async registerKey(department, validUntil, keyId) {
      const key = await generatedKey(department, keyId);
      const registered = parse<SealKey>((await submit(department, 'admin', 'registerKey', [key.publicKeyPem, validUntil, ''])).result);
      await custody.recordActivation(key.keyId);
      signers.delete(department);
      return registered;
    },

    async rotateKey(department, validUntil, createdBy) {
      const current = (await custody.list(department)).find((key) => key.state === 'active');
      if (!current) throw new ConflictError(`${department} has no active seal key to rotate; register one with \`citytrust seal register\``);
      const next = await custody.generate(department, createdBy);
      const rotated = parse<SealKey>((await submit(department, 'admin', 'rotateKey', [current.keyId, next.publicKeyPem, validUntil])).result);
      await custody.recordActivation(next.keyId, current.keyId);
      signers.delete(department);
      return rotated;
    },

    async revokeKey(department, keyId, reason, revokedAt) {
      const revoked = parse<SealKey>((await submit(department, 'admin', 'revokeKey', [keyId, reason, revokedAt ?? ''])).result);
      await custody.recordRevocation(keyId);
      signers.delete(department);
      return revoked;
    },

    async listKeys(department) {
      const onLedger = await evaluate<SealKey[]>('listKeys', [department]);
      const held = await custody.list(department);
      const ids = [...new Set([...held.map((key) => key.keyId), ...onLedger.map((key) => key.keyId)])];
      return ids.map((keyId) => {
        const ledgerKey = onLedger.find((key) => key.keyId === keyId);
        const custodyKey = held.find((key) => key.keyId === keyId);
        return { keyId, ...(ledgerKey ? { ledger: ledgerKey } : {}), ...(custodyKey ? { custody: custodyKey } : {}) };
      });
    },

    ledgerKeys: (department) => evaluate<SealKey[]>('listKeys', [department]),

    keyHistory: (keyId, department) => evaluate<SealKeyVersion[]>('keyHistory', [keyId], department),
  };
}

/** The SM3 digest of a document, as the signing service and verifiers compute it. */
export function documentDigest(document: Buffer): Buffer {
  return sm3(document);
}

/** A chaincode refusal with a `[seal:<check>]` reason becomes the 4xx that names the check. */
function refusalOf(error: unknown): unknown {
  if (!(error instanceof LedgerRejectedError) || error.check === undefined) return error;
  const [area, check] = error.check.split(':') as [string, string];
  if (area !== 'seal') return error;
  const reason = /\[seal:[a-z_]+\] ([^\n]*)/.exec(error.message)?.[1] ?? error.message;
  if (check === 'forbidden') return new ForbiddenError(reason);
  return new SealRefusedApiError(check as SealCheck, reason, { transactionId: error.details?.transactionId });
}

function parse<T>(bytes: Uint8Array): T {
  return JSON.parse(Buffer.from(bytes).toString('utf8')) as T;
}
