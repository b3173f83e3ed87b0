/**
 * The committed world state as the simulator sees it, and what a committed block changes in it.
 * The storage module implements these; the chaincode support and the committer use them. A
 * version is the height (block, transaction) of the write that produced a value, as in Fabric's
 * `kvrwset.Version`: MVCC validation compares the versions a simulation read with the committed
 * ones.
 */

/** Fabric's `version.Height`: the block and the transaction within it that last wrote a key. */
export interface Height {
  readonly blockNum: number;
  readonly txNum: number;
}

export interface VersionedValue {
  readonly value: Uint8Array;
  readonly version: Height;
}

export interface VersionedKeyValue extends VersionedValue {
  readonly key: string;
}

/** One past write of a key, as `GetHistoryForKey` returns it (Fabric's `queryresult.KeyModification`). */
export interface KeyModification {
  readonly txId: string;
  readonly value: Uint8Array;
  /** The writing transaction's timestamp, from its channel header. */
  readonly timestamp: { readonly seconds: number; readonly nanos: number };
  readonly isDelete: boolean;
}

/**
 * Reads of committed state. Keys are compared as byte strings (UTF-8), as LevelDB and Fabric do.
 * `range` yields keys in `[startKey, endKey)`; an empty `endKey` means "to the end of the
 * namespace". Composite keys (which start with U+0000) are stored and ranged like any other key:
 * the simulator decides which ranges a query may touch.
 */
export interface StateReader {
  get(namespace: string, key: string): Promise<VersionedValue | undefined>;
  range(namespace: string, startKey: string, endKey: string): AsyncIterable<VersionedKeyValue>;
  /** Newest first, as Fabric returns history. */
  history(namespace: string, key: string): AsyncIterable<KeyModification>;
}

/** A write of a valid transaction; `value` undefined is a delete. */
export interface StateWrite {
  readonly namespace: string;
  readonly key: string;
  readonly value: Uint8Array | undefined;
}

/** What one valid transaction of a committed block wrote. */
export interface ValidTransactionWrites {
  readonly txNum: number;
  readonly txId: string;
  readonly timestamp: { readonly seconds: number; readonly nanos: number };
  readonly writes: readonly StateWrite[];
}
