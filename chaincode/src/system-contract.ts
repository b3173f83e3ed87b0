import { canonicalJson } from '@citytrust/shared';
import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import type { Iterators, StateQueryResponse } from 'fabric-shim';
import {
  parseAttributes,
  parseCounter,
  parsePageSize,
  requireBookmarkFitsPaging,
  requireEventName,
  requireKey,
  requireObjectType,
  requireRangeBound,
  requireValue,
} from './arguments';
import { CHAINCODE_NAME, CONTRACT_NAMES, chaincodePackage } from './chaincode-info';
import { requireNotDomainEvent, requireNotDomainObjectType, requireOutsideDomain } from './domain-namespaces';
import { isoTimestamp } from './ledger-timestamp';
import { drain } from './query-iterators';
import type {
  ChaincodeVersion,
  KeyModificationRecord,
  QueryPage,
  StateRecord,
  WriteThenReadResult,
} from './system-contract-results';

/** The object type of the keys `emit` writes, so they stay out of simple-key range queries. */
export const EVENT_OBJECT_TYPE = 'event';

/**
 * The chaincode's built-in contract: the ledger operations Fabric offers a chaincode, one per
 * transaction, with nothing of CityTrust's domain. It writes only outside the domain contracts'
 * namespaces (`domain-namespaces.ts`): their keys and events are theirs alone. Both ledger back-ends' conformance suite runs
 * against it, and the benchmark uses `put` (trivial write) and `increment` (read-modify-write).
 *
 * Encoding: a value is stored as the UTF-8 bytes of the argument, unchanged. Structured results
 * (version, query pages, history, writeThenRead) are canonical JSON (RFC 8785), so every
 * endorser returns the same bytes; `get`, `increment` and `timestamp` return plain text.
 *
 * @example
 * ```ts
 * await contract.submitTransaction('system:put', 'k', 'v');
 * const value = new TextDecoder().decode(await contract.evaluateTransaction('system:get', 'k'));
 * ```
 */
@Info({ title: 'SystemContract', description: 'Ledger operations for conformance tests and benchmarks' })
export class SystemContract extends Contract {
  constructor() {
    super('system');
  }

  /** Which chaincode answers, its package version and its contracts: a cheap liveness probe. */
  @Transaction(false)
  @Returns('string')
  async version(_ctx: Context): Promise<string> {
    const result: ChaincodeVersion = { chaincode: CHAINCODE_NAME, version: chaincodePackage().version, contracts: CONTRACT_NAMES };
    return canonicalJson(result);
  }

  /** Writes `value` at `key` without reading anything: the benchmark's trivial write. */
  @Transaction()
  async put(ctx: Context, key: string, value: string): Promise<void> {
    await ctx.stub.putState(requireOutsideDomain('key', requireKey('key', key)), encode(requireValue('value', value)));
  }

  /** The committed value at `key`; fails when the key is absent so a caller never mistakes "" for a value. */
  @Transaction(false)
  @Returns('string')
  async get(ctx: Context, key: string): Promise<string> {
    const value = await readState(ctx, requireKey('key', key));
    if (value === null) throw new Error(`key ${JSON.stringify(key)} not found: it was never written, or it was deleted`);
    return value;
  }

  /**
   * Writes `value` at `key`, then reads `key` in the same transaction. Fabric's simulator reads
   * committed state only, so the read gives the value from before this transaction: the result
   * shows both, and the conformance suite checks that a ledger does not read its own writes.
   */
  @Transaction()
  @Returns('string')
  async writeThenRead(ctx: Context, key: string, value: string): Promise<string> {
    requireOutsideDomain('key', requireKey('key', key));
    await ctx.stub.putState(key, encode(requireValue('value', value)));
    const result: WriteThenReadResult = { key, written: value, committedBefore: await readState(ctx, key) };
    return canonicalJson(result);
  }

  /**
   * Adds one to the decimal counter at `key` (absent counts as 0) and returns the new count. Two
   * concurrent increments of one key read the same version, so the later one to commit fails
   * with MVCC_READ_CONFLICT: the benchmark's read-modify-write and the conformance MVCC test.
   */
  @Transaction()
  @Returns('string')
  async increment(ctx: Context, key: string): Promise<string> {
    const stored = await readState(ctx, requireOutsideDomain('key', requireKey('key', key)));
    const next = String((stored === null ? 0 : parseCounter(key, stored)) + 1);
    await ctx.stub.putState(key, encode(next));
    return next;
  }

  /** Removes `key`. A blind delete: it reads nothing, so deleting an absent key is not an error. */
  @Transaction()
  async delete(ctx: Context, key: string): Promise<void> {
    await ctx.stub.deleteState(requireOutsideDomain('key', requireKey('key', key)));
  }

  /** Writes `value` at the composite key of `objectType` and the JSON array `attributesJson`. */
  @Transaction()
  async putComposite(ctx: Context, objectType: string, attributesJson: string, value: string): Promise<void> {
    const key = ctx.stub.createCompositeKey(requireNotDomainObjectType('objectType', requireObjectType('objectType', objectType)), parseAttributes('attributesJson', attributesJson));
    await ctx.stub.putState(key, encode(requireValue('value', value)));
  }

  /**
   * The composite keys that start with `objectType` and the attributes in `attributesJson`, as a
   * {@link QueryPage}. `pageSize` 0 returns them all; more returns a page from `bookmark`. Fabric
   * allows paged queries in read-only transactions only, so evaluate this one.
   */
  @Transaction(false)
  @Returns('string')
  async queryByPartialCompositeKey(ctx: Context, objectType: string, attributesJson: string, pageSize: string, bookmark: string): Promise<string> {
    const type = requireObjectType('objectType', objectType);
    const attributes = parseAttributes('attributesJson', attributesJson);
    const size = parsePageSize('pageSize', pageSize);
    requireBookmarkFitsPaging('bookmark', bookmark, size);
    const page = size > 0
      ? await pagedRecords(ctx.stub.getStateByPartialCompositeKeyWithPagination(type, attributes, size, bookmark))
      : await allRecords(ctx.stub.getStateByPartialCompositeKey(type, attributes));
    return canonicalJson(page);
  }

  /**
   * The simple keys from `startKey` (inclusive) to `endKey` (exclusive), as a {@link QueryPage};
   * an empty bound leaves that end open. Paging as in {@link queryByPartialCompositeKey}.
   */
  @Transaction(false)
  @Returns('string')
  async queryRange(ctx: Context, startKey: string, endKey: string, pageSize: string, bookmark: string): Promise<string> {
    const start = requireRangeBound('startKey', startKey);
    const end = requireRangeBound('endKey', endKey);
    const size = parsePageSize('pageSize', pageSize);
    requireBookmarkFitsPaging('bookmark', bookmark, size);
    const page = size > 0
      ? await pagedRecords(ctx.stub.getStateByRangeWithPagination(start, end, size, bookmark))
      : await allRecords(ctx.stub.getStateByRange(start, end));
    return canonicalJson(page);
  }

  /** Every committed change of `key`, newest first, as {@link KeyModificationRecord}s. */
  @Transaction(false)
  @Returns('string')
  async history(ctx: Context, key: string): Promise<string> {
    const modifications = await drain(await ctx.stub.getHistoryForKey(requireKey('key', key)));
    const records: KeyModificationRecord[] = modifications.map((modification) => ({
      txId: modification.txId,
      value: modification.isDelete ? null : decode(modification.value),
      isDelete: modification.isDelete,
      timestamp: isoTimestamp(modification.timestamp),
    }));
    return canonicalJson(records);
  }

  /**
   * Sets the chaincode event `eventName` with `payload` (UTF-8) for the ChaincodeEvents stream.
   * It also records the event at composite key (`event`, eventName, txId): a transaction that
   * writes nothing is read-only, and a client may not submit it for ordering.
   */
  @Transaction()
  async emit(ctx: Context, eventName: string, payload: string): Promise<void> {
    const name = requireNotDomainEvent('eventName', requireEventName('eventName', eventName));
    const key = ctx.stub.createCompositeKey(EVENT_OBJECT_TYPE, [name, ctx.stub.getTxID()]);
    await ctx.stub.putState(key, encode(canonicalJson({ eventName: name, payload })));
    ctx.stub.setEvent(name, encode(payload));
  }

  /**
   * The transaction's timestamp from its channel header, RFC 3339 with nanoseconds: the same on
   * every endorser, unlike the wall clock, which is why contracts must use it.
   */
  @Transaction(false)
  @Returns('string')
  async timestamp(ctx: Context): Promise<string> {
    return isoTimestamp(ctx.stub.getTxTimestamp());
  }
}

function encode(text: string): Buffer {
  return Buffer.from(text, 'utf8');
}

function decode(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

/** The committed value at `key` as text, or null: Fabric answers an absent key with empty bytes. */
async function readState(ctx: Context, key: string): Promise<string | null> {
  const bytes = await ctx.stub.getState(key);
  return bytes.length === 0 ? null : decode(bytes);
}

async function allRecords(query: Promise<Iterators.StateQueryIterator>): Promise<QueryPage> {
  const records = (await drain(await query)).map(toStateRecord);
  return { records, bookmark: '', fetchedRecordsCount: records.length };
}

async function pagedRecords(query: Promise<StateQueryResponse<Iterators.StateQueryIterator>>): Promise<QueryPage> {
  // The shim leaves `metadata` undefined when its bytes are empty: an empty last page (no
  // records fetched, no bookmark) encodes to nothing, on Fabric's peer as on the embedded ledger.
  const { iterator, metadata } = (await query) as Partial<StateQueryResponse<Iterators.StateQueryIterator>> & { iterator: Iterators.StateQueryIterator };
  const records = (await drain(iterator)).map(toStateRecord);
  return { records, bookmark: metadata?.bookmark ?? '', fetchedRecordsCount: metadata?.fetchedRecordsCount ?? 0 };
}

function toStateRecord(kv: Iterators.KV): StateRecord {
  return { key: kv.key, value: decode(kv.value) };
}

