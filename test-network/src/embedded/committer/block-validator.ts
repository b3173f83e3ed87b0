import { common, ledger, peer } from '@hyperledger/fabric-protos';
import type { ChannelMsps, VerifiedIdentity } from '../msp';
import type { Policy } from '../policies';
import { computeTxId } from '../protoutil/proposal';
import { unpackTransaction, type UnpackedTransaction } from '../protoutil/transaction';
import type { Height, StateReader } from '../ledger-state';
import { createHash } from 'node:crypto';

const Code = peer.TxValidationCode;

/** What the validator needs of the channel. */
export interface ValidationContext {
  readonly channelId: string;
  /** The chaincode's name: the one namespace transactions may write. */
  readonly namespace: string;
  readonly msps: ChannelMsps;
  readonly endorsementPolicy: Policy;
  readonly state: StateReader;
  /** Whether a transaction id is already on the ledger. */
  isCommitted(txId: string): Promise<boolean>;
}

/** One transaction's outcome; `reason` says why it is not VALID, for the ledger's log. */
export interface TransactionVerdict {
  readonly txId: string;
  readonly code: number;
  readonly reason?: string;
  /** What a VALID transaction writes. */
  readonly writes?: readonly NamespaceWrites[];
}

/**
 * The committer's validation of a block, transaction by transaction and in order, with
 * Fabric's codes (`core/committer/txvalidator/v20`, `core/ledger/kvledger/txmgmt/validation`):
 * well-formed envelope and common header, creator signature, transaction id, proposal hash,
 * channel, duplicates (on the ledger and earlier in the block), endorsement signatures and
 * policy, then MVCC read versions and range phantoms against committed state plus the writes
 * of the block's earlier valid transactions.
 */
export async function validateBlock(envelopes: readonly Uint8Array[], context: ValidationContext): Promise<TransactionVerdict[]> {
  const blockWrites = new BlockWrites();
  const seen = new Set<string>();
  const verdicts: TransactionVerdict[] = [];
  for (let txNum = 0; txNum < envelopes.length; txNum++) {
    const verdict = await validateTransaction(envelopes[txNum]!, context, seen, blockWrites);
    if (verdict.code === Code.VALID && verdict.writes) blockWrites.apply(verdict.writes, txNum);
    if (verdict.txId) seen.add(verdict.txId);
    verdicts.push(verdict);
  }
  return verdicts;
}

type Outcome = TransactionVerdict;

export interface NamespaceWrites {
  readonly namespace: string;
  readonly rwset: ledger.rwset.kvrwset.KVRWSet;
}

async function validateTransaction(envelopeBytes: Uint8Array, context: ValidationContext, seen: ReadonlySet<string>, blockWrites: BlockWrites): Promise<Outcome> {
  let tx: UnpackedTransaction;
  try {
    tx = unpackTransaction(envelopeBytes);
  } catch (error) {
    return { txId: '', code: Code.BAD_PAYLOAD, reason: `the envelope does not parse: ${message(error)}` };
  }
  const txId = tx.channelHeader.getTxId();
  const fail = (code: number, reason: string): Outcome => ({ txId, code, reason });

  // Fabric's order: the envelope's own checks (core/common/validation.ValidateTransaction), then
  // the channel, then duplicates and endorsements (txvalidator/v20), so a transaction that fails
  // several checks gets the code a Fabric peer would give it.
  const headerProblem = commonHeaderProblem(tx);
  if (headerProblem) return fail(Code.BAD_COMMON_HEADER, headerProblem);
  const creator = deserialize(context.msps, tx.signatureHeader.getCreator_asU8());
  if (typeof creator === 'string') return fail(Code.BAD_CREATOR_SIGNATURE, `creator: ${creator}`);
  if (!context.msps.verify(creator, tx.payloadBytes, tx.signature)) return fail(Code.BAD_CREATOR_SIGNATURE, 'the creator\'s signature over the payload does not verify');
  const type = tx.channelHeader.getType();
  if (type === common.HeaderType.CONFIG_UPDATE) return fail(Code.UNSUPPORTED_TX_PAYLOAD, 'a CONFIG_UPDATE goes to the orderer\'s config processing, never into a block');
  // unpackTransaction gives the endorser part exactly for ENDORSER_TRANSACTION envelopes.
  const { endorser } = tx;
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
  if (!endorser) {
    return fail(Code.UNKNOWN_TX_TYPE, `transaction type ${type} is not accepted after the genesis block (only endorser transactions; the embedded ledger does not update its configuration)`);
  }
  if (seen.has(txId) || (await context.isCommitted(txId))) return fail(Code.DUPLICATE_TXID, `transaction id ${txId} is already on the ledger`);

  const endorsers = verifiedEndorsers(context.msps, endorser.proposalResponsePayloadBytes, endorser.endorsements);
  const policy = context.endorsementPolicy.evaluate(endorsers);
  if (!policy.satisfied) return fail(Code.ENDORSEMENT_POLICY_FAILURE, policy.reason ?? 'the endorsement policy is not satisfied');

  let writes: NamespaceWrites[];
  try {
    writes = readWriteSets(endorser.chaincodeAction.getResults_asU8());
  } catch (error) {
    return fail(Code.BAD_RWSET, `the read-write set does not parse: ${message(error)}`);
  }
  const foreign = writes.find((ns) => ns.namespace !== context.namespace && ns.rwset.getWritesList().length > 0);
  if (foreign) return fail(Code.ILLEGAL_WRITESET, `writes to namespace ${foreign.namespace}, which is not the chaincode ${context.namespace}`);
  const conflict = await mvccConflict(writes, context.state, blockWrites);
  if (conflict) return fail(conflict.code, conflict.reason);
  return { txId, code: Code.VALID, writes };
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

/** Endorsements whose identity is a channel member and whose signature over (payload ‖ endorser) verifies; Fabric drops the rest. */
function verifiedEndorsers(msps: ChannelMsps, responsePayload: Uint8Array, endorsements: readonly peer.Endorsement[]): VerifiedIdentity[] {
  const valid: VerifiedIdentity[] = [];
  for (const endorsement of endorsements) {
    const endorserBytes = endorsement.getEndorser_asU8();
    const identity = deserialize(msps, endorserBytes);
    if (typeof identity === 'string') continue;
    if (msps.verify(identity, Buffer.concat([responsePayload, endorserBytes]), endorsement.getSignature_asU8())) valid.push(identity);
  }
  return valid;
}

function readWriteSets(results: Uint8Array): NamespaceWrites[] {
  const txRwSet = ledger.rwset.TxReadWriteSet.deserializeBinary(results);
  if (txRwSet.getDataModel() !== ledger.rwset.TxReadWriteSet.DataModel.KV) throw new Error('only the KV data model is supported');
  return txRwSet.getNsRwsetList().map((ns) => ({ namespace: ns.getNamespace(), rwset: ledger.rwset.kvrwset.KVRWSet.deserializeBinary(ns.getRwset_asU8()) }));
}

async function mvccConflict(sets: readonly NamespaceWrites[], state: StateReader, blockWrites: BlockWrites): Promise<{ code: number; reason: string } | undefined> {
  for (const { namespace, rwset } of sets) {
    for (const read of rwset.getReadsList()) {
      const key = read.getKey();
      const committed = await blockWrites.versionOf(namespace, key, state);
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
async function rangeChanged(namespace: string, range: ledger.rwset.kvrwset.RangeQueryInfo, state: StateReader, blockWrites: BlockWrites): Promise<string | undefined> {
  const reads = range.getRawReads()?.getKvReadsList();
  if (!reads) return 'it was recorded as a Merkle summary, which the embedded ledger does not produce or check';
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

/** The writes of the block's valid transactions so far, layered over committed state. */
class BlockWrites {
  private readonly byKey = new Map<string, { readonly version: Height; readonly deleted: boolean }>();
  private readonly byNamespace = new Map<string, Map<string, { readonly version: Height; readonly deleted: boolean }>>();

  apply(sets: readonly NamespaceWrites[], txNum: number): void {
    for (const { namespace, rwset } of sets) {
      let keys = this.byNamespace.get(namespace);
      if (!keys) this.byNamespace.set(namespace, (keys = new Map()));
      for (const write of rwset.getWritesList()) {
        // The block number is not known yet and does not matter: only "changed in this block" does.
        const entry = { version: { blockNum: -1, txNum }, deleted: write.getIsDelete() };
        this.byKey.set(`${namespace}\u0000${write.getKey()}`, entry);
        keys.set(write.getKey(), entry);
      }
    }
  }

  async versionOf(namespace: string, key: string, state: StateReader): Promise<Height | undefined> {
    const written = this.byKey.get(`${namespace}\u0000${key}`);
    if (written) return written.deleted ? undefined : written.version;
    return (await state.get(namespace, key))?.version;
  }

  async rangeNow(namespace: string, startKey: string, endKey: string, inclusiveEnd: boolean, state: StateReader): Promise<{ key: string; version: Height }[]> {
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
