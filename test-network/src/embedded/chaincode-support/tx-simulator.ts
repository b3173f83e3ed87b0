import type { ledger } from '@hyperledger/fabric-protos';
import type { Height, KeyModification, StateReader } from '../ledger-state';
import { RangeScan } from './range-scan';
import { buildTxReadWriteSet } from './rwset-builder';

const EMPTY = new Uint8Array(0);

/**
 * Simulates one transaction of one chaincode against committed state, with Fabric's semantics
 * (`txmgr.txSimulator`):
 * - reads go to committed state and record the version read; there is no read-your-writes: a
 *   key written earlier in the same transaction still reads as committed;
 * - a key read twice keeps the version of its first read, so a commit landing mid-simulation
 *   makes the transaction fail MVCC validation instead of hiding what the chaincode saw;
 * - a later write of a key replaces an earlier one; a delete is a write of an empty value;
 * - paginated range queries are allowed only in read-only transactions, because a page cannot be
 *   re-validated for phantoms: no writes after one, and none before one;
 * - history reads are not recorded, as in Fabric.
 */
export class TxSimulator {
  private readonly reads = new Map<string, Height | undefined>();
  private readonly writes = new Map<string, Uint8Array>();
  private readonly rangeScans: RangeScan[] = [];
  private writePerformed = false;
  private paginatedQueryPerformed = false;
  private done = false;

  constructor(
    private readonly state: StateReader,
    readonly namespace: string,
    readonly txId: string,
  ) {}

  /** The committed value, or undefined for a missing key. */
  async getState(key: string): Promise<Uint8Array | undefined> {
    this.assertActive();
    const committed = await this.state.get(this.namespace, key);
    this.assertActive();
    if (!this.reads.has(key)) this.reads.set(key, committed?.version);
    return committed?.value;
  }

  setState(key: string, value: Uint8Array): void {
    this.assertWritable();
    this.writes.set(key, value);
  }

  deleteState(key: string): void {
    this.setState(key, EMPTY);
  }

  /**
   * Opens a range query over `[startKey, endKey)`. `pageSize` > 0 limits it to one page;
   * `paginated` marks a query the chaincode asked to paginate (a page size or a bookmark).
   */
  openRange(startKey: string, endKey: string, { paginated, pageSize }: { paginated: boolean; pageSize: number }): RangeScan {
    this.assertActive();
    if (paginated) {
      if (this.writePerformed) {
        throw new Error(`transaction ${this.txId} wrote state before a paginated query: paginated queries are supported only in read-only transactions`);
      }
      this.paginatedQueryPerformed = true;
    }
    const iterator = this.state.range(this.namespace, startKey, endKey)[Symbol.asyncIterator]();
    const scan = new RangeScan(iterator, startKey, endKey, pageSize);
    this.rangeScans.push(scan);
    return scan;
  }

  /** The key's committed history, newest first; not part of the read set. */
  history(key: string): AsyncIterator<KeyModification> {
    this.assertActive();
    return this.state.history(this.namespace, key)[Symbol.asyncIterator]();
  }

  /**
   * Ends the simulation and returns its read-write set. Requests that arrive afterwards fail, and
   * open range queries are closed, so nothing changes the set once it is taken.
   */
  finish(): ledger.rwset.TxReadWriteSet {
    this.assertActive();
    this.done = true;
    for (const scan of this.rangeScans) scan.close();
    return buildTxReadWriteSet({ namespace: this.namespace, reads: this.reads, writes: this.writes, rangeScans: this.rangeScans });
  }

  private assertWritable(): void {
    this.assertActive();
    if (this.paginatedQueryPerformed) {
      throw new Error(`transaction ${this.txId} performed a paginated query: writes are not allowed after one, paginated queries are supported only in read-only transactions`);
    }
    this.writePerformed = true;
  }

  private assertActive(): void {
    if (this.done) throw new Error(`the simulation of transaction ${this.txId} has finished: its read-write set is final`);
  }
}
