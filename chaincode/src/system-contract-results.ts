/**
 * What the system contract's transactions return, as parsed from their canonical JSON results.
 * Kept apart from the contract so that clients, the conformance suite and the benchmark can use
 * the shapes without loading fabric-contract-api.
 */

/** `system:version`: which chaincode answered, at which version, serving which contracts. */
export interface ChaincodeVersion {
  readonly chaincode: string;
  readonly version: string;
  readonly contracts: readonly string[];
}

/** `system:writeThenRead`: what was written, and what reading the key back in the same transaction gave. */
export interface WriteThenReadResult {
  readonly key: string;
  readonly written: string;
  /**
   * What `getState` returned right after `putState` in the same transaction: the value committed
   * before this transaction (null when the key was absent), because Fabric's simulator does not
   * let a transaction read its own writes.
   */
  readonly committedBefore: string | null;
}

/** One key and its value (UTF-8 text) from a range or composite key query. */
export interface StateRecord {
  readonly key: string;
  readonly value: string;
}

/** One answer of `system:queryRange` or `system:queryByPartialCompositeKey`. */
export interface QueryPage {
  readonly records: readonly StateRecord[];
  /** Where the next page starts; pass it back with the same page size. Empty when unpaged or exhausted. */
  readonly bookmark: string;
  readonly fetchedRecordsCount: number;
}

/** One committed change of a key, from `system:history`, newest first as Fabric returns them. */
export interface KeyModificationRecord {
  readonly txId: string;
  /** The value written, or null when the change was a delete. */
  readonly value: string | null;
  readonly isDelete: boolean;
  /** The writing transaction's timestamp, RFC 3339 with nanoseconds. */
  readonly timestamp: string;
}
