import { ledger } from '@hyperledger/fabric-protos';

/** A namespace's read-write set as plain values, for assertions. */
export interface PlainNamespaceRwSet {
  readonly namespace: string;
  readonly reads: { key: string; version?: { blockNum: number; txNum: number } }[];
  readonly writes: { key: string; isDelete: boolean; value: string }[];
  readonly rangeQueries: { startKey: string; endKey: string; exhausted: boolean; reads?: { key: string; version?: { blockNum: number; txNum: number } }[] }[];
}

/** Decodes a `TxReadWriteSet` into plain values (values as UTF-8), for tests. */
export function plainReadWriteSet(rwset: ledger.rwset.TxReadWriteSet): PlainNamespaceRwSet[] {
  return rwset.getNsRwsetList().map((ns) => {
    const kv = ledger.rwset.kvrwset.KVRWSet.deserializeBinary(ns.getRwset_asU8());
    return {
      namespace: ns.getNamespace(),
      reads: kv.getReadsList().map(plainRead),
      writes: kv.getWritesList().map((write) => ({ key: write.getKey(), isDelete: write.getIsDelete(), value: Buffer.from(write.getValue_asU8()).toString() })),
      rangeQueries: kv.getRangeQueriesInfoList().map((info) => ({
        startKey: info.getStartKey(),
        endKey: info.getEndKey(),
        exhausted: info.getItrExhausted(),
        ...(info.hasRawReads() ? { reads: info.getRawReads()!.getKvReadsList().map(plainRead) } : {}),
      })),
    };
  });
}

function plainRead(read: ledger.rwset.kvrwset.KVRead): { key: string; version?: { blockNum: number; txNum: number } } {
  const version = read.getVersion();
  return { key: read.getKey(), ...(version ? { version: { blockNum: version.getBlockNum(), txNum: version.getTxNum() } } : {}) };
}
