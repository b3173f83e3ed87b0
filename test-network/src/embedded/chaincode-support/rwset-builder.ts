import { ledger } from '@hyperledger/fabric-protos';
import type { Height } from '../ledger-state';
import { sortedKeys } from './key-order';
import type { RangeScan } from './range-scan';

const { kvrwset } = ledger.rwset;

/** What a simulation read and wrote in one namespace, before it is put in Fabric's shape. */
export interface NamespaceAccess {
  readonly namespace: string;
  /** Key to the committed version read; undefined for a key that did not exist. */
  readonly reads: ReadonlyMap<string, Height | undefined>;
  /** Key to the value written; an empty value is a delete, as in Fabric. */
  readonly writes: ReadonlyMap<string, Uint8Array>;
  /** In the order the chaincode opened them. */
  readonly rangeScans: readonly RangeScan[];
}

/**
 * The public read-write set as Fabric's `RWSetBuilder` builds it: reads and writes sorted by key
 * (UTF-8 byte order), range queries in the order they were opened with duplicates (same start,
 * end and exhaustion) dropped, and a namespace present only when the simulation touched it. The
 * same simulation always gives the same bytes, so endorsers agree.
 *
 * Range queries carry their reads as `raw_reads`. Fabric switches to a Merkle summary of the
 * reads once a range returns more than 50 keys (`maxDegreeQueryReadsHashing`); the embedded
 * ledger always keeps the raw reads, which its committer validates directly. The read-write set
 * is bigger for long ranges but validates the same way.
 */
export function buildTxReadWriteSet(access: NamespaceAccess): ledger.rwset.TxReadWriteSet {
  const txRwSet = new ledger.rwset.TxReadWriteSet();
  txRwSet.setDataModel(ledger.rwset.TxReadWriteSet.DataModel.KV);
  if (access.reads.size === 0 && access.writes.size === 0 && access.rangeScans.length === 0) return txRwSet;

  const kvRwSet = new kvrwset.KVRWSet();
  kvRwSet.setReadsList(sortedKeys(access.reads).map((key) => newKVRead(key, access.reads.get(key))));
  kvRwSet.setRangeQueriesInfoList(distinctRangeQueries(access.rangeScans).map(newRangeQueryInfo));
  kvRwSet.setWritesList(sortedKeys(access.writes).map((key) => newKVWrite(key, access.writes.get(key)!)));

  const nsRwSet = new ledger.rwset.NsReadWriteSet();
  nsRwSet.setNamespace(access.namespace);
  nsRwSet.setRwset(kvRwSet.serializeBinary());
  txRwSet.setNsRwsetList([nsRwSet]);
  return txRwSet;
}

function newKVRead(key: string, version: Height | undefined): ledger.rwset.kvrwset.KVRead {
  const read = new kvrwset.KVRead();
  read.setKey(key);
  if (version) read.setVersion(newVersion(version));
  return read;
}

function newVersion({ blockNum, txNum }: Height): ledger.rwset.kvrwset.Version {
  const version = new kvrwset.Version();
  version.setBlockNum(blockNum);
  version.setTxNum(txNum);
  return version;
}

function newKVWrite(key: string, value: Uint8Array): ledger.rwset.kvrwset.KVWrite {
  const write = new kvrwset.KVWrite();
  write.setKey(key);
  write.setIsDelete(value.length === 0);
  write.setValue(value);
  return write;
}

function distinctRangeQueries(scans: readonly RangeScan[]): RangeScan[] {
  const seen = new Set<string>();
  return scans.filter((scan) => {
    const identity = JSON.stringify([scan.startKey, scan.endKey, scan.exhausted]);
    if (seen.has(identity)) return false;
    seen.add(identity);
    return true;
  });
}

function newRangeQueryInfo(scan: RangeScan): ledger.rwset.kvrwset.RangeQueryInfo {
  const info = new kvrwset.RangeQueryInfo();
  info.setStartKey(scan.startKey);
  info.setEndKey(scan.endKey);
  info.setItrExhausted(scan.exhausted);
  // Fabric leaves the reads unset, not empty, when the scan returned nothing.
  if (scan.reads.length > 0) {
    const rawReads = new kvrwset.QueryReads();
    rawReads.setKvReadsList(scan.reads.map(({ key, version }) => newKVRead(key, version)));
    info.setRawReads(rawReads);
  }
  return info;
}
