import { createHash } from 'node:crypto';
import { common, ledger, peer } from '@hyperledger/fabric-protos';
import type { Height, StateReader } from '../ledger-state';
import type { ChannelMsps, VerifiedIdentity } from '../msp';
import { signatureSetToValidIdentities, type Policy } from '../policies';
import { computeTxId } from '../protoutil/proposal';
import { unpackTransaction, type UnpackedTransaction } from '../protoutil/transaction';

const Code = peer.TxValidationCode;

/** What the validator needs of the channel and its committed state. */
export interface ValidationContext {
  readonly channelId: string;
  /** The chaincode's name: the one namespace transactions may write. */
  readonly namespace: string;
  readonly msps: ChannelMsps;
  readonly endorsementPolicy: Policy;
  /** Committed state: ranges for phantom checks, and many keys' versions in one lookup. */
  readonly state: Pick<StateReader, 'range'> & {
    versions(keys: ReadonlyArray<{ readonly namespace: string; readonly key: string }>): Promise<Array<Height | undefined>>;
  };
  /** Which of these transaction ids are already on the ledger, in one lookup. */
  committedTxIds(txIds: readonly string[]): Promise<Set<string>>;
}

/** One transaction's outcome; `reason` says why it is not VALID, for the ledger's log. */
export interface TransactionVerdict {
  readonly txId: string;
  readonly code: number;
  readonly reason?: string;
  /** What a VALID transaction writes. */
  readonly writes?: readonly NamespaceWrites[];
}

export interface NamespaceWrites {
  readonly namespace: string;
  readonly rwset: ledger.rwset.kvrwset.KVRWSet;
}

/**
 * The committer's validation of a block with Fabric's codes (`core/committer/txvalidator/v20`,
 * `core/ledger/kvledger/txmgmt/validation`): well-formed envelope and common header, creator
 * signature, transaction id, proposal hash, channel, duplicates (on the ledger and earlier in the
 * block), endorsement signatures and policy, then MVCC read versions and range phantoms against
 * committed state plus the writes of the block's earlier valid transactions.
 *
 * What a transaction can be judged on alone is checked for all of them at once, signatures on the
 * thread pool; duplicates and read versions are looked up once for the whole block; only what
 * depends on earlier transactions of the block runs in block order. Each transaction still gets
 * the code of the first check it fails in Fabric's order.
 */
export async function validateBlock(envelopes: readonly Uint8Array[], context: ValidationContext): Promise<TransactionVerdict[]> {
  const checked = await Promise.all(envelopes.map((envelope) => checkTransaction(envelope, context)));
  const candidates = checked.filter((c): c is Candidate => 'candidate' in c);
  const [onLedger, committedVersions] = await Promise.all([
    context.committedTxIds(candidates.map((c) => c.txId)),
    readVersions(candidates, context.state),
  ]);
  const blockWrites = new BlockWrites(committedVersions);
  const seen = new Set<string>();
  const verdicts: TransactionVerdict[] = [];
  for (let txNum = 0; txNum < checked.length; txNum++) {
    const result = checked[txNum]!;
    const verdict = 'candidate' in result ? await judgeInBlock(result, seen, onLedger, blockWrites, context.state) : result;
    if (verdict.code === Code.VALID && verdict.writes) blockWrites.apply(verdict.writes, txNum);
    if (verdict.txId) seen.add(verdict.txId);
    verdicts.push(verdict);
  }
  return verdicts;
}

/** A transaction that passed every check it can pass alone; what is left depends on the block. */
interface Candidate {
  readonly candidate: true;
  readonly txId: string;
  /** Why its endorsements do not satisfy the policy, if they do not (reported after duplicates, as Fabric). */
  readonly policyFailure?: string;
  /** Why its read-write set is unusable, if it is. */
  readonly rwsetFailure?: { readonly code: number; readonly reason: string };
  readonly sets: readonly NamespaceWrites[];
}

async function judgeInBlock(tx: Candidate, seen: ReadonlySet<string>, onLedger: ReadonlySet<string>, blockWrites: BlockWrites, state: ValidationContext['state']): Promise<TransactionVerdict> {
  const fail = (code: number, reason: string): TransactionVerdict => ({ txId: tx.txId, code, reason });
  if (seen.has(tx.txId) || onLedger.has(tx.txId)) return fail(Code.DUPLICATE_TXID, `transaction id ${tx.txId} is already on the ledger`);
  if (tx.policyFailure !== undefined) return fail(Code.ENDORSEMENT_POLICY_FAILURE, tx.policyFailure);
  if (tx.rwsetFailure) return fail(tx.rwsetFailure.code, tx.rwsetFailure.reason);
  const conflict = await mvccConflict(tx.sets, state, blockWrites);
  if (conflict) return fail(conflict.code, conflict.reason);
  return { txId: tx.txId, code: Code.VALID, writes: tx.sets };
}

async function checkTransaction(envelopeBytes: Uint8Array, context: ValidationContext): Promise<TransactionVerdict | Candidate> {
  let tx: UnpackedTransaction;
  try {
    tx = unpackTransaction(envelopeBytes);
  } catch (error) {
    return { txId: '', code: Code.BAD_PAYLOAD, reason: `the envelope does not parse: ${message(error)}` };
  }
  const txId = tx.channelHeader.getTxId();
  const fail = (code: number, reason: string): TransactionVerdict => ({ txId, code, reason });

  // Fabric's order: the envelope's own checks (core/common/validation.ValidateTransaction), then
  // the channel, then duplicates and endorsements (txvalidator/v20), so a transaction that fails
  // several checks gets the code a Fabric peer would give it.
  const headerProblem = commonHeaderProblem(tx);
  if (headerProblem) return fail(Code.BAD_COMMON_HEADER, headerProblem);
  const creator = deserialize(context.msps, tx.signatureHeader.getCreator_asU8());
  if (typeof creator === 'string') return fail(Code.BAD_CREATOR_SIGNATURE, `creator: ${creator}`);
  const { endorser } = tx;
  const endorsements = endorser
    ? signatureSetToValidIdentities(endorser.endorsements.map((e) => ({
      identity: e.getEndorser_asU8(),
      data: Buffer.concat([endorser.proposalResponsePayloadBytes, e.getEndorser_asU8()]),
      signature: e.getSignature_asU8(),
    })), context.msps)
    : undefined;
  // Checked together: the creator's signature and the endorsements' are independent arithmetic.
  const [creatorSigned, endorsers] = await Promise.all([context.msps.verify(creator, tx.payloadBytes, tx.signature), endorsements]);
  if (!creatorSigned) return fail(Code.BAD_CREATOR_SIGNATURE, 'the creator\'s signature over the payload does not verify');
  const type = tx.channelHeader.getType();
  if (type === common.HeaderType.CONFIG_UPDATE) return fail(Code.UNSUPPORTED_TX_PAYLOAD, 'a CONFIG_UPDATE goes to the orderer\'s config processing, never into a block');
  if (endorser) {
    if (computeTxId(tx.signatureHeader.getNonce_asU8(), tx.signatureHeader.getCreator_asU8()) !== txId) {
      return fail(Code.BAD_PROPOSAL_TXID, 'the transaction id is not SHA-256(nonce ‖ creator)');
    }
    const proposalHash = createHash('sha256').update(tx.channelHeaderBytes).update(tx.signatureHeaderBytes).update(endorser.strippedPayloadBytes).digest();
    if (!proposalHash.equals(endorser.proposalResponsePayload.getProposalHash_asU8())) {
      return fail(Code.INVALID_ENDORSER_TRANSACTION, 'proposal hash does not match: the endorsements are for another proposal than this transaction\'s');
    }
  }
  if (tx.channelHeader.getChannelId() !== context.channelId) return fail(Code.TARGET_CHAIN_NOT_FOUND, `channel ${tx.channelHeader.getChannelId()} is not ${context.channelId}`);
  if (!endorser || !endorsers) {
    return fail(Code.UNKNOWN_TX_TYPE, `transaction type ${type} is not accepted after the genesis block (only endorser transactions; the embedded ledger does not update its configuration)`);
  }
  const policy = context.endorsementPolicy.evaluate(endorsers.identities);
  const policyFailure = policy.satisfied ? undefined : policy.reason ?? 'the endorsement policy is not satisfied';
  let sets: NamespaceWrites[] = [];
  let rwsetFailure: Candidate['rwsetFailure'];
  try {
    sets = readWriteSets(endorser.chaincodeAction.getResults_asU8());
    const foreign = sets.find((ns) => ns.namespace !== context.namespace && ns.rwset.getWritesList().length > 0);
    if (foreign) rwsetFailure = { code: Code.ILLEGAL_WRITESET, reason: `writes to namespace ${foreign.namespace}, which is not the chaincode ${context.namespace}` };
  } catch (error) {
    rwsetFailure = { code: Code.BAD_RWSET, reason: `the read-write set does not parse: ${message(error)}` };
  }
  return { candidate: true, txId, ...(policyFailure !== undefined ? { policyFailure } : {}), ...(rwsetFailure ? { rwsetFailure } : {}), sets };
}

/** The committed versions of every key the block's candidates read, in one lookup. */
async function readVersions(candidates: readonly Candidate[], state: ValidationContext['state']): Promise<Map<string, Height | undefined>> {
  const keys = new Map<string, { namespace: string; key: string }>();
  for (const { sets } of candidates) {
    for (const { namespace, rwset } of sets) {
      for (const read of rwset.getReadsList()) keys.set(stateId(namespace, read.getKey()), { namespace, key: read.getKey() });
    }
  }
  const wanted = [...keys];
  const versions = await state.versions(wanted.map(([, k]) => k));
  return new Map(wanted.map(([id], i) => [id, versions[i]]));
}

function stateId(namespace: string, key: string): string {
  return `${namespace}\u0000${key}`;
}

/** Fabric's `validateCommonHeader`: a transaction header type, epoch 0, a nonce and a creator. */
function commonHeaderProblem(tx: UnpackedTransaction): string | undefined {
  const type = tx.channelHeader.getType();
  if (type !== common.HeaderType.ENDORSER_TRANSACTION && type !== common.HeaderType.CONFIG && type !== common.HeaderType.CONFIG_UPDATE) {
    return `invalid header type ${type}`;
  }
  if (tx.channelHeader.getEpoch() !== 0) return `invalid epoch ${tx.channelHeader.getEpoch()} in the channel header: it must be 0`;
  if (tx.signatureHeader.getNonce_asU8().length === 0) return 'the signature header has no nonce';
  if (tx.signatureHeader.getCreator_asU8().length === 0) return 'the signature header has no creator';
  return undefined;
}

function deserialize(msps: ChannelMsps, serialized: Uint8Array): VerifiedIdentity | string {
  try {
    return msps.deserialize(serialized);
  } catch (error) {
    return message(error);
  }
}

function readWriteSets(results: Uint8Array): NamespaceWrites[] {
  const txRwSet = ledger.rwset.TxReadWriteSet.deserializeBinary(results);
  if (txRwSet.getDataModel() !== ledger.rwset.TxReadWriteSet.DataModel.KV) throw new Error('only the KV data model is supported');
  return txRwSet.getNsRwsetList().map((ns) => ({ namespace: ns.getNamespace(), rwset: ledger.rwset.kvrwset.KVRWSet.deserializeBinary(ns.getRwset_asU8()) }));
}

async function mvccConflict(sets: readonly NamespaceWrites[], state: ValidationContext['state'], blockWrites: BlockWrites): Promise<{ code: number; reason: string } | undefined> {
  for (const { namespace, rwset } of sets) {
    for (const read of rwset.getReadsList()) {
      const key = read.getKey();
      const committed = blockWrites.versionOf(namespace, key);
      const readVersion = read.getVersion();
      const expected = readVersion ? { blockNum: readVersion.getBlockNum(), txNum: readVersion.getTxNum() } : undefined;
      if (!sameVersion(committed, expected)) {
        return { code: Code.MVCC_READ_CONFLICT, reason: `key ${JSON.stringify(key)} was read at version ${show(expected)} but is now at ${show(committed)}` };
      }
    }
    for (const range of rwset.getRangeQueriesInfoList()) {
      const phantom = await rangeChanged(namespace, range, state, blockWrites);
      if (phantom) return { code: Code.PHANTOM_READ_CONFLICT, reason: `range [${JSON.stringify(range.getStartKey())}, ${JSON.stringify(range.getEndKey())}) changed: ${phantom}` };
    }
  }
  return undefined;
}

/** Re-runs a range query on committed state plus this block's earlier writes and compares it with what was read. */
async function rangeChanged(namespace: string, range: ledger.rwset.kvrwset.RangeQueryInfo, state: ValidationContext['state'], blockWrites: BlockWrites): Promise<string | undefined> {
  if (range.hasReadsMerkleHashes()) return 'it was recorded as a Merkle summary, which the embedded ledger does not produce or check';
  // A range that returned nothing has no raw reads at all (Fabric leaves them unset): it read zero keys.
  const reads = range.getRawReads()?.getKvReadsList() ?? [];
  // As Fabric: a query that stopped early is checked only up to the last key it read.
  const lastRead = reads[reads.length - 1]?.getKey();
  const endKey = range.getItrExhausted() || lastRead === undefined ? range.getEndKey() : lastRead;
  const inclusiveEnd = !range.getItrExhausted() && lastRead !== undefined;
  const now = await blockWrites.rangeNow(namespace, range.getStartKey(), endKey, inclusiveEnd, state);
  if (now.length !== reads.length) return `${reads.length} keys were read, ${now.length} are there now`;
  for (let i = 0; i < reads.length; i++) {
    const read = reads[i]!;
    const current = now[i]!;
    const v = read.getVersion();
    if (read.getKey() !== current.key || !sameVersion(current.version, v ? { blockNum: v.getBlockNum(), txNum: v.getTxNum() } : undefined)) {
      return `key ${JSON.stringify(current.key)} differs from the key read`;
    }
  }
  return undefined;
}

/** The writes of the block's valid transactions so far, layered over the committed versions read up front. */
class BlockWrites {
  constructor(private readonly committed: ReadonlyMap<string, Height | undefined>) {}

  private readonly byKey = new Map<string, { readonly version: Height; readonly deleted: boolean }>();
  private readonly byNamespace = new Map<string, Map<string, { readonly version: Height; readonly deleted: boolean }>>();

  apply(sets: readonly NamespaceWrites[], txNum: number): void {
    for (const { namespace, rwset } of sets) {
      let keys = this.byNamespace.get(namespace);
      if (!keys) this.byNamespace.set(namespace, (keys = new Map()));
      for (const write of rwset.getWritesList()) {
        // The block number is not known yet and does not matter: only "changed in this block" does.
        const entry = { version: { blockNum: -1, txNum }, deleted: write.getIsDelete() };
        this.byKey.set(stateId(namespace, write.getKey()), entry);
        keys.set(write.getKey(), entry);
      }
    }
  }

  versionOf(namespace: string, key: string): Height | undefined {
    const written = this.byKey.get(stateId(namespace, key));
    if (written) return written.deleted ? undefined : written.version;
    return this.committed.get(stateId(namespace, key));
  }

  async rangeNow(namespace: string, startKey: string, endKey: string, inclusiveEnd: boolean, state: ValidationContext['state']): Promise<{ key: string; version: Height }[]> {
    const merged = new Map<string, Height>();
    for await (const entry of state.range(namespace, startKey, inclusiveEnd ? `${endKey}\u0000` : endKey)) merged.set(entry.key, entry.version);
    const written = this.byNamespace.get(namespace);
    if (written) {
      for (const [key, entry] of written) {
        if (!inRange(key, startKey, endKey, inclusiveEnd)) continue;
        if (entry.deleted) merged.delete(key);
        else merged.set(key, entry.version);
      }
    }
    return [...merged].map(([key, version]) => ({ key, version })).sort((a, b) => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)));
  }
}

function inRange(key: string, start: string, end: string, inclusiveEnd: boolean): boolean {
  const k = Buffer.from(key);
  if (Buffer.compare(k, Buffer.from(start)) < 0) return false;
  if (end === '') return true;
  const c = Buffer.compare(k, Buffer.from(end));
  return inclusiveEnd ? c <= 0 : c < 0;
}

function sameVersion(a: Height | undefined, b: Height | undefined): boolean {
  if (!a || !b) return a === b;
  return a.blockNum === b.blockNum && a.txNum === b.txNum;
}

function show(version: Height | undefined): string {
  return version ? `${version.blockNum}:${version.txNum}` : 'none (absent)';
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
