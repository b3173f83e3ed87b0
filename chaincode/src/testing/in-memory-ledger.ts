import { Context } from 'fabric-contract-api';
import type { ChaincodeStub } from 'fabric-shim';
import { COMPOSITE_KEY_SEPARATOR, MAX_UNICODE_CODE_POINT } from '../arguments';
import { TEST_CLIENT_CERTIFICATE_PEM } from './test-client-certificate';

/**
 * A unit-test stand-in for a channel's state, history and simulator, following Fabric's rules
 * where a contract can see them: a transaction reads committed state only (no read-your-writes),
 * an empty value reads as absent, simple-key ranges skip composite keys and compare UTF-8 bytes,
 * paged queries resume at the bookmark, history comes newest first, and a commit fails when a
 * key the transaction read has changed since (MVCC). It is not a ledger: integration tests run
 * the chaincode against the embedded ledger.
 */
export class InMemoryLedger {
  private readonly state = new Map<string, { value: Buffer; version: number }>();
  private readonly modifications = new Map<string, HistoryEntry[]>();
  private transactions = 0;
  private commits = 0;

  /** A transaction simulating against the state as committed now. */
  newTransaction(options: TransactionOptions = {}): SimulatedTransaction {
    this.transactions += 1;
    const n = this.transactions;
    return new SimulatedTransaction(this, {
      txId: options.txId ?? `tx${n}`,
      timestamp: options.timestamp ?? { seconds: 1_767_225_600 + n, nanos: n * 1000 },
      args: options.args ?? [],
      creator: options.creator ?? { mspId: 'FinanceMSP', certificatePem: TEST_CLIENT_CERTIFICATE_PEM },
    });
  }

  /** Applies `transaction`'s writes, or throws {@link MvccConflictError} if a key it read has changed. */
  commit(transaction: SimulatedTransaction): void {
    for (const [key, version] of transaction.reads) {
      if (this.versionOf(key) !== version) throw new MvccConflictError(transaction.txId, key);
    }
    this.commits += 1;
    for (const [key, value] of transaction.writes) {
      const isDelete = value.length === 0;
      if (isDelete) this.state.delete(key);
      else this.state.set(key, { value, version: this.commits });
      const entries = this.modifications.get(key) ?? [];
      entries.unshift({ txId: transaction.txId, value, isDelete, timestamp: transaction.timestamp });
      this.modifications.set(key, entries);
    }
  }

  /** The committed value at `key` as text, or undefined. */
  committedValue(key: string): string | undefined {
    return this.state.get(key)?.value.toString('utf8');
  }

  /** @internal */
  read(key: string): { value: Buffer; version: number } | undefined {
    return this.state.get(key);
  }

  /** @internal The committed keys in [start, end) by UTF-8 byte order; an empty end is open. */
  keysInRange(start: string, end: string): string[] {
    const startBytes = Buffer.from(start, 'utf8');
    const endBytes = Buffer.from(end, 'utf8');
    return [...this.state.keys()]
      .map((key) => ({ key, bytes: Buffer.from(key, 'utf8') }))
      .filter(({ bytes }) => Buffer.compare(bytes, startBytes) >= 0 && (end === '' || Buffer.compare(bytes, endBytes) < 0))
      .sort((a, b) => Buffer.compare(a.bytes, b.bytes))
      .map(({ key }) => key);
  }

  /** @internal */
  historyOf(key: string): HistoryEntry[] {
    return this.modifications.get(key) ?? [];
  }

  private versionOf(key: string): number | undefined {
    return this.state.get(key)?.version;
  }
}

/** What a test may fix about a transaction; deterministic defaults otherwise. */
export interface TransactionOptions {
  readonly txId?: string;
  readonly timestamp?: { seconds: number; nanos: number };
  /** `contract:function` then the arguments, for dispatch through ChaincodeFromContract. */
  readonly args?: string[];
  /** Who submits: an MSP id and a certificate PEM; a Finance client certificate by default. */
  readonly creator?: { readonly mspId: string; readonly certificatePem: string };
}

/** Thrown by {@link InMemoryLedger.commit} as a peer marks a transaction MVCC_READ_CONFLICT. */
export class MvccConflictError extends Error {
  constructor(readonly txId: string, readonly key: string) {
    super(`transaction ${txId} is MVCC_READ_CONFLICT: key ${JSON.stringify(key)} changed after it was read`);
    this.name = 'MvccConflictError';
  }
}

interface HistoryEntry {
  readonly txId: string;
  readonly value: Buffer;
  readonly isDelete: boolean;
  readonly timestamp: { seconds: number; nanos: number };
}

interface KV {
  readonly namespace: string;
  readonly key: string;
  readonly value: Buffer;
}

/** The ChaincodeStub methods the contracts use, over an {@link InMemoryLedger}. */
export class SimulatedTransaction {
  readonly txId: string;
  readonly timestamp: { seconds: number; nanos: number };
  /** Key → version read (undefined when absent), as a read set. */
  readonly reads = new Map<string, number | undefined>();
  /** Key → value written (empty for a delete), as a write set. */
  readonly writes = new Map<string, Buffer>();
  /** The chaincode event set, if any; Fabric keeps only the last one. */
  event: { name: string; payload: Buffer } | undefined;
  /** Every query iterator handed out, so a test can check that the contract closed them. */
  readonly iterators: ArrayIterator<unknown>[] = [];
  private readonly args: string[];
  private readonly creator: { readonly mspId: string; readonly certificatePem: string };

  constructor(private readonly ledger: InMemoryLedger, options: Required<TransactionOptions>) {
    this.txId = options.txId;
    this.timestamp = options.timestamp;
    this.args = options.args;
    this.creator = options.creator;
  }

  /** A transaction context over this stub, as fabric-contract-api builds one. */
  context(): Context {
    const ctx = new Context();
    ctx.stub = this as unknown as ChaincodeStub;
    return ctx;
  }

  getTxID(): string {
    return this.txId;
  }

  getChannelID(): string {
    return 'citytrust';
  }

  getCreator(): { mspid: string; idBytes: Uint8Array } {
    return { mspid: this.creator.mspId, idBytes: Buffer.from(this.creator.certificatePem, 'utf8') };
  }

  getFunctionAndParameters(): { fcn: string; params: string[] } {
    return { fcn: this.args[0] ?? '', params: this.args.slice(1) };
  }

  getBufferArgs(): Buffer[] {
    return this.args.map((arg) => Buffer.from(arg, 'utf8'));
  }

  /** Fabric's Timestamp as the shim gives it; seconds is a Long there, and prints the same. */
  getTxTimestamp(): { seconds: { toString(): string }; nanos: number } {
    return { seconds: { toString: () => String(this.timestamp.seconds) }, nanos: this.timestamp.nanos };
  }

  async getState(key: string): Promise<Buffer> {
    const committed = this.ledger.read(key);
    this.reads.set(key, committed?.version);
    return committed ? Buffer.from(committed.value) : Buffer.alloc(0);
  }

  async putState(key: string, value: Uint8Array): Promise<void> {
    this.writes.set(key, Buffer.from(value));
  }

  async deleteState(key: string): Promise<void> {
    this.writes.set(key, Buffer.alloc(0));
  }

  setEvent(name: string, payload: Uint8Array): void {
    if (!name) throw new Error('Event name must be a non-empty string');
    this.event = { name, payload: Buffer.from(payload) };
  }

  createCompositeKey(objectType: string, attributes: string[]): string {
    return COMPOSITE_KEY_SEPARATOR + [objectType, ...attributes].map((part) => `${part}${COMPOSITE_KEY_SEPARATOR}`).join('');
  }

  async getStateByRange(startKey: string, endKey: string): Promise<ArrayIterator<KV>> {
    return this.track(new ArrayIterator(this.records(simpleStart(startKey), endKey)));
  }

  async getStateByRangeWithPagination(startKey: string, endKey: string, pageSize: number, bookmark = ''): Promise<Page> {
    return this.page(this.records(bookmark || simpleStart(startKey), endKey), pageSize);
  }

  async getStateByPartialCompositeKey(objectType: string, attributes: string[]): Promise<ArrayIterator<KV>> {
    const prefix = this.createCompositeKey(objectType, attributes);
    return this.track(new ArrayIterator(this.records(prefix, prefix + MAX_UNICODE_CODE_POINT)));
  }

  async getStateByPartialCompositeKeyWithPagination(objectType: string, attributes: string[], pageSize: number, bookmark = ''): Promise<Page> {
    const prefix = this.createCompositeKey(objectType, attributes);
    return this.page(this.records(bookmark || prefix, prefix + MAX_UNICODE_CODE_POINT), pageSize);
  }

  async getHistoryForKey(key: string): Promise<ArrayIterator<{ txId: string; value: Buffer; isDelete: boolean; timestamp: { seconds: number; nanos: number } }>> {
    return this.track(new ArrayIterator(this.ledger.historyOf(key).map((entry) => ({ ...entry, value: Buffer.from(entry.value) }))));
  }

  private track<T>(iterator: ArrayIterator<T>): ArrayIterator<T> {
    this.iterators.push(iterator);
    return iterator;
  }

  private records(start: string, end: string): KV[] {
    return this.ledger.keysInRange(start, end).map((key) => ({ namespace: 'citytrust', key, value: Buffer.from(this.ledger.read(key)?.value ?? []) }));
  }

  private page(records: KV[], pageSize: number): Page {
    const page = records.slice(0, pageSize);
    const next = records[pageSize];
    return { iterator: this.track(new ArrayIterator(page)), metadata: { fetchedRecordsCount: page.length, bookmark: next ? next.key : '' } };
  }
}

interface Page {
  iterator: ArrayIterator<KV>;
  metadata: { fetchedRecordsCount: number; bookmark: string };
}

/** The shim's simple-key ranges start at U+0001 when no start is given, above every composite key. */
function simpleStart(startKey: string): string {
  return startKey || '\u0001';
}

/** An iterator as the shim's: next() until done, and close() that a contract must call. */
export class ArrayIterator<T> {
  closed = false;
  private position = 0;

  constructor(private readonly items: readonly T[]) {}

  async next(): Promise<{ value: T; done: false } | { value?: undefined; done: true }> {
    const value = this.items[this.position];
    if (value === undefined) return { done: true };
    this.position += 1;
    return { value, done: false };
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
