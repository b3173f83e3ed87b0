import { ledger, peer } from '@hyperledger/fabric-protos';
import type { ChaincodeConnection, ExecuteRequest, SimulationResult } from '../chaincode-support';
import type { Height } from '../ledger-state';

const { kvrwset } = ledger.rwset;

/** One namespace's reads, writes and range queries, for {@link readWriteSet}. */
export interface NamespaceAccesses {
  readonly namespace: string;
  readonly reads?: readonly { key: string; version?: Height }[];
  /** An undefined value is a delete. */
  readonly writes?: readonly { key: string; value?: string }[];
  readonly ranges?: readonly { startKey: string; endKey: string; exhausted: boolean; reads: readonly { key: string; version?: Height }[] }[];
}

/** A `TxReadWriteSet` in Fabric's shape, written by hand so a test chooses exactly what a transaction read and wrote. */
export function readWriteSet(...namespaces: NamespaceAccesses[]): ledger.rwset.TxReadWriteSet {
  const txRwSet = new ledger.rwset.TxReadWriteSet();
  txRwSet.setDataModel(ledger.rwset.TxReadWriteSet.DataModel.KV);
  txRwSet.setNsRwsetList(namespaces.map(({ namespace, reads = [], writes = [], ranges = [] }) => {
    const kv = new kvrwset.KVRWSet();
    kv.setReadsList(reads.map(({ key, version }) => kvRead(key, version)));
    kv.setWritesList(writes.map(({ key, value }) => {
      const write = new kvrwset.KVWrite();
      write.setKey(key);
      write.setIsDelete(value === undefined);
      if (value !== undefined) write.setValue(Buffer.from(value));
      return write;
    }));
    kv.setRangeQueriesInfoList(ranges.map((range) => {
      const info = new kvrwset.RangeQueryInfo();
      info.setStartKey(range.startKey);
      info.setEndKey(range.endKey);
      info.setItrExhausted(range.exhausted);
      // As Fabric (and the embedded endorser): a range that returned nothing has no raw reads at all.
      if (range.reads.length > 0) {
        const raw = new kvrwset.QueryReads();
        raw.setKvReadsList(range.reads.map(({ key, version }) => kvRead(key, version)));
        info.setRawReads(raw);
      }
      return info;
    }));
    const ns = new ledger.rwset.NsReadWriteSet();
    ns.setNamespace(namespace);
    ns.setRwset(kv.serializeBinary());
    return ns;
  }));
  return txRwSet;
}

function kvRead(key: string, version: Height | undefined): ledger.rwset.kvrwset.KVRead {
  const read = new kvrwset.KVRead();
  read.setKey(key);
  if (version) {
    const v = new kvrwset.Version();
    v.setBlockNum(version.blockNum);
    v.setTxNum(version.txNum);
    read.setVersion(v);
  }
  return read;
}

/** What the scripted chaincode answers to one execute. */
export interface ScriptedAnswer {
  readonly status?: number;
  readonly message?: string;
  readonly payload?: string;
  readonly readWriteSet?: ledger.rwset.TxReadWriteSet;
  readonly eventName?: string;
}

/**
 * A chaincode connection that answers what the test scripted, instead of a chaincode server: the
 * endorser and everything after it run for real on the read-write set a test chose. `answer`
 * may throw, as a lost chaincode stream does. Every request is kept in `executed`.
 */
export class ScriptedChaincode implements ChaincodeConnection {
  readonly chaincodeId = 'scripted:0';
  readonly closed: Promise<Error | undefined> = new Promise(() => undefined);
  readonly executed: ExecuteRequest[] = [];

  constructor(public answer: (request: ExecuteRequest) => ScriptedAnswer = () => ({})) {}

  async execute(request: ExecuteRequest): Promise<SimulationResult> {
    this.executed.push(request);
    const answer = this.answer(request);
    const response = new peer.Response();
    response.setStatus(answer.status ?? 200);
    response.setMessage(answer.message ?? '');
    response.setPayload(Buffer.from(answer.payload ?? ''));
    let event: peer.ChaincodeEvent | undefined;
    if (answer.eventName) {
      event = new peer.ChaincodeEvent();
      event.setChaincodeId(request.namespace);
      event.setTxId(request.txId);
      event.setEventName(answer.eventName);
    }
    return { response, event, readWriteSet: answer.readWriteSet ?? readWriteSet() };
  }

  close(): void {}
}
