import { common, ledger, peer } from '@hyperledger/fabric-protos';
import { Timestamp } from 'google-protobuf/google/protobuf/timestamp_pb';
import type { StateWrite } from '../../ledger-state';
import { blockDataHash, blockHeaderHash } from '../../protoutil/block-hash';

/** A transaction for a test block: an endorser transaction writing `writes`, or a config one. */
export interface TestTransaction {
  readonly txId: string;
  readonly validationCode?: number;
  readonly writes?: readonly StateWrite[];
  readonly config?: boolean;
  readonly timestamp?: { readonly seconds: number; readonly nanos: number };
}

/** Builds blocks that chain (number, previous hash, data hash) with their TRANSACTIONS_FILTER set. */
export class TestChain {
  height = 0;
  lastHash: Buffer | undefined;

  next(transactions: readonly (TestTransaction | Uint8Array)[]): common.Block {
    const envelopes = transactions.map((transaction) => (transaction instanceof Uint8Array ? transaction : envelopeOf(transaction)));
    const codes = transactions.map((transaction) => (transaction instanceof Uint8Array ? peer.TxValidationCode.BAD_PAYLOAD : transaction.validationCode ?? peer.TxValidationCode.VALID));
    const block = newBlock(this.height, this.lastHash ?? Buffer.alloc(0), envelopes, codes);
    const header = block.getHeader()!;
    this.lastHash = blockHeaderHash({ number: header.getNumber(), previousHash: header.getPreviousHash_asU8(), dataHash: header.getDataHash_asU8() });
    this.height += 1;
    return block;
  }
}

export function newBlock(number: number, previousHash: Uint8Array, envelopes: Uint8Array[], codes: readonly number[]): common.Block {
  const header = new common.BlockHeader();
  header.setNumber(number);
  header.setPreviousHash(previousHash);
  header.setDataHash(blockDataHash(envelopes));
  const data = new common.BlockData();
  data.setDataList(envelopes);
  const metadata = new common.BlockMetadata();
  const slots = Array.from({ length: 5 }, () => new Uint8Array(0));
  slots[common.BlockMetadataIndex.TRANSACTIONS_FILTER] = Uint8Array.from(codes);
  metadata.setMetadataList(slots);
  const block = new common.Block();
  block.setHeader(header);
  block.setData(data);
  block.setMetadata(metadata);
  return block;
}

/** Envelope → Payload(ChannelHeader) → Transaction → ChaincodeActionPayload → … → KVRWSet, as an endorser builds it. */
export function envelopeOf(transaction: TestTransaction): Uint8Array {
  const channelHeader = new common.ChannelHeader();
  channelHeader.setType(transaction.config ? common.HeaderType.CONFIG : common.HeaderType.ENDORSER_TRANSACTION);
  channelHeader.setChannelId('citytrust');
  channelHeader.setTxId(transaction.txId);
  const timestamp = new Timestamp();
  timestamp.setSeconds(transaction.timestamp?.seconds ?? 1_750_000_000);
  timestamp.setNanos(transaction.timestamp?.nanos ?? 0);
  channelHeader.setTimestamp(timestamp);
  const header = new common.Header();
  header.setChannelHeader(channelHeader.serializeBinary());
  const payload = new common.Payload();
  payload.setHeader(header);
  payload.setData(transaction.config ? new common.ConfigEnvelope().serializeBinary() : transactionBytes(transaction.writes ?? []));
  const envelope = new common.Envelope();
  envelope.setPayload(payload.serializeBinary());
  return envelope.serializeBinary();
}

function transactionBytes(writes: readonly StateWrite[]): Uint8Array {
  const txReadWriteSet = new ledger.rwset.TxReadWriteSet();
  txReadWriteSet.setDataModel(ledger.rwset.TxReadWriteSet.DataModel.KV);
  const namespaces = [...new Set(writes.map((write) => write.namespace))];
  txReadWriteSet.setNsRwsetList(
    namespaces.map((namespace) => {
      const kvRwSet = new ledger.rwset.kvrwset.KVRWSet();
      kvRwSet.setWritesList(
        writes
          .filter((write) => write.namespace === namespace)
          .map(({ key, value }) => {
            const kvWrite = new ledger.rwset.kvrwset.KVWrite();
            kvWrite.setKey(key);
            if (value === undefined) kvWrite.setIsDelete(true);
            else kvWrite.setValue(value);
            return kvWrite;
          }),
      );
      const nsReadWriteSet = new ledger.rwset.NsReadWriteSet();
      nsReadWriteSet.setNamespace(namespace);
      nsReadWriteSet.setRwset(kvRwSet.serializeBinary());
      return nsReadWriteSet;
    }),
  );
  const chaincodeAction = new peer.ChaincodeAction();
  chaincodeAction.setResults(txReadWriteSet.serializeBinary());
  const responsePayload = new peer.ProposalResponsePayload();
  responsePayload.setExtension$(chaincodeAction.serializeBinary());
  const endorsedAction = new peer.ChaincodeEndorsedAction();
  endorsedAction.setProposalResponsePayload(responsePayload.serializeBinary());
  const actionPayload = new peer.ChaincodeActionPayload();
  actionPayload.setAction(endorsedAction);
  const action = new peer.TransactionAction();
  action.setPayload(actionPayload.serializeBinary());
  const transaction = new peer.Transaction();
  transaction.setActionsList([action]);
  return transaction.serializeBinary();
}

/** A put in namespace `basic`, the value as UTF-8. */
export function put(key: string, value: string, namespace = 'basic'): StateWrite {
  return { namespace, key, value: Buffer.from(value) };
}

export function del(key: string, namespace = 'basic'): StateWrite {
  return { namespace, key, value: undefined };
}
