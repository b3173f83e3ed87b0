import { common, ledger, peer } from '@hyperledger/fabric-protos';
import type { StateWrite, ValidTransactionWrites } from '../ledger-state';

/**
 * One transaction of a committed block as storage indexes it: its id and validation code for the
 * tx-id index (CommitStatus, Deliver, duplicate checks), and, when it is a valid endorser
 * transaction, what it wrote.
 */
export interface BlockTransaction extends ValidTransactionWrites {
  /** `common.HeaderType` from the channel header; -1 when the envelope could not be read. */
  readonly type: number;
  /** `peer.TxValidationCode` from the block's TRANSACTIONS_FILTER. */
  readonly validationCode: number;
}

const VALID = peer.TxValidationCode.VALID;
const NO_TIMESTAMP = Object.freeze({ seconds: 0, nanos: 0 });

/**
 * The validation code of each transaction, one byte per transaction, as the committer wrote it
 * into metadata index TRANSACTIONS_FILTER (Fabric's `txflags.ValidationFlags`). Storage must not
 * guess validity, so a block without a complete filter is refused.
 */
function transactionsFilter(block: common.Block): Uint8Array {
  const count = block.getData()?.getDataList().length ?? 0;
  const filter = block.getMetadata()?.getMetadataList_asU8()[common.BlockMetadataIndex.TRANSACTIONS_FILTER];
  if (filter === undefined || filter.length !== count) {
    throw new Error(
      `block ${block.getHeader()?.getNumber()} has ${count} transactions but its TRANSACTIONS_FILTER metadata has ` +
        `${filter?.length ?? 'no'} entries; the committer must set one validation code per transaction before storing the block`,
    );
  }
  return filter;
}

/**
 * Every transaction of a block with its id, type, validation code, timestamp and, for valid
 * endorser transactions, its public writes in read-write-set order. Invalid transactions are
 * listed (their ids are indexed) but their writes are not read: they may be malformed, and their
 * writes must never reach state.
 *
 * Throws when a transaction the committer marked valid cannot be read, because applying part of
 * a valid transaction would corrupt state.
 */
export function blockTransactions(block: common.Block): BlockTransaction[] {
  const filter = transactionsFilter(block);
  const envelopes = block.getData()?.getDataList_asU8() ?? [];
  return envelopes.map((envelopeBytes, txNum) => readTransaction(block, envelopeBytes, txNum, filter[txNum]!));
}

/**
 * What the valid transactions of a block wrote, in block order: the changes committing the block
 * applies to state and history. Config transactions write nothing to state.
 */
export function validTransactionWrites(block: common.Block): ValidTransactionWrites[] {
  return blockTransactions(block)
    .filter((transaction) => transaction.validationCode === VALID)
    .map(({ txNum, txId, timestamp, writes }) => ({ txNum, txId, timestamp, writes }));
}

function readTransaction(block: common.Block, envelopeBytes: Uint8Array, txNum: number, validationCode: number): BlockTransaction {
  const valid = validationCode === VALID;
  let payload: common.Payload;
  let channelHeader: common.ChannelHeader;
  try {
    payload = common.Payload.deserializeBinary(common.Envelope.deserializeBinary(envelopeBytes).getPayload_asU8());
    channelHeader = common.ChannelHeader.deserializeBinary(payload.getHeader()?.getChannelHeader_asU8() ?? new Uint8Array());
  } catch (error) {
    // An invalid transaction may be garbage (BAD_PAYLOAD, NIL_ENVELOPE...): index its code under no id.
    if (!valid) return { txNum, txId: '', type: -1, validationCode, timestamp: NO_TIMESTAMP, writes: [] };
    throw unreadableValidTransaction(block, txNum, 'its envelope or channel header', error);
  }
  const timestamp = channelHeader.getTimestamp();
  const transaction = {
    txNum,
    txId: channelHeader.getTxId(),
    type: channelHeader.getType(),
    validationCode,
    timestamp: timestamp ? { seconds: timestamp.getSeconds(), nanos: timestamp.getNanos() } : NO_TIMESTAMP,
  };
  if (!valid || transaction.type !== common.HeaderType.ENDORSER_TRANSACTION) return { ...transaction, writes: [] };
  try {
    return { ...transaction, writes: endorserTransactionWrites(payload.getData_asU8()) };
  } catch (error) {
    throw unreadableValidTransaction(block, txNum, `the read-write set of transaction ${transaction.txId}`, error);
  }
}

/**
 * Payload.data → Transaction → actions[0] → ChaincodeActionPayload → ProposalResponsePayload →
 * ChaincodeAction.results → TxReadWriteSet → each namespace's KVRWSet writes. Fabric's endorser
 * transactions carry exactly one action; private-data (collection hashed) writes are not
 * supported by the embedded ledger and are not read.
 */
function endorserTransactionWrites(payloadData: Uint8Array): StateWrite[] {
  const actions = peer.Transaction.deserializeBinary(payloadData).getActionsList();
  const action = actions[0];
  if (actions.length !== 1 || action === undefined) throw new Error(`expected exactly one transaction action, found ${actions.length}`);
  const endorsedAction = peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8()).getAction();
  if (endorsedAction === undefined) throw new Error('the chaincode action payload has no endorsed action');
  const responsePayload = peer.ProposalResponsePayload.deserializeBinary(endorsedAction.getProposalResponsePayload_asU8());
  const results = peer.ChaincodeAction.deserializeBinary(responsePayload.getExtension_asU8()).getResults_asU8();
  const writes: StateWrite[] = [];
  for (const nsReadWriteSet of ledger.rwset.TxReadWriteSet.deserializeBinary(results).getNsRwsetList()) {
    const namespace = nsReadWriteSet.getNamespace();
    for (const write of ledger.rwset.kvrwset.KVRWSet.deserializeBinary(nsReadWriteSet.getRwset_asU8()).getWritesList()) {
      writes.push({ namespace, key: write.getKey(), value: write.getIsDelete() ? undefined : write.getValue_asU8() });
    }
  }
  return writes;
}

function unreadableValidTransaction(block: common.Block, txNum: number, what: string, cause: unknown): Error {
  return new Error(
    `block ${block.getHeader()?.getNumber()} transaction ${txNum} is marked VALID but ${what} cannot be parsed ` +
      `(${cause instanceof Error ? cause.message : String(cause)}); the committer must mark unreadable transactions invalid`,
    { cause },
  );
}
