import type { Height, VersionedKeyValue } from '../ledger-state';

/** One key a range query returned, with the committed version it had (Fabric's `KVRead`). */
export interface RangeRead {
  readonly key: string;
  readonly version: Height;
}

/**
 * A range query over committed state that remembers what it returned, as Fabric's `resultsItr`
 * does, so the committer can re-run the range and detect phantoms: keys inserted into or removed
 * from the range since simulation.
 *
 * `endKey` follows Fabric's `RangeQueryInfo`: while the scan is under way it is the last key
 * returned; once the state has no more keys in the range it becomes the requested end key and
 * `exhausted` is set. A scan the chaincode stopped early (a page, a closed iterator, the total
 * query limit) therefore records only the part of the range it actually read.
 */
export class RangeScan {
  readonly reads: RangeRead[] = [];
  endKey = '';
  exhausted = false;
  private returned = 0;
  private storeExhausted = false;
  private closed = false;

  /**
   * @param pageSize the most keys to return, for a paginated query (Fabric's `kvScanner`
   * limit); 0 for none.
   */
  constructor(
    private readonly iterator: AsyncIterator<VersionedKeyValue>,
    readonly startKey: string,
    private readonly requestedEndKey: string,
    private readonly pageSize: number,
  ) {}

  /** The next key in the range, or undefined at its end (or the page's). */
  async next(): Promise<VersionedKeyValue | undefined> {
    this.assertOpen();
    if (this.pageSize > 0 && this.returned >= this.pageSize) return this.reachEnd();
    const result = await this.iterator.next();
    // The transaction may have finished while the read was under way: its read set is final.
    this.assertOpen();
    if (result.done) {
      this.storeExhausted = true;
      return this.reachEnd();
    }
    const kv = result.value;
    this.reads.push({ key: kv.key, version: kv.version });
    this.endKey = kv.key;
    this.returned++;
    return kv;
  }

  /**
   * The key a next page would start from (empty when the range holds no more keys), then
   * closes the scan. Like Fabric's `GetBookmarkAndClose`, peeking at that key is not a read:
   * it is not recorded.
   */
  async bookmarkAndClose(): Promise<string> {
    if (this.closed || this.storeExhausted) {
      this.close();
      return '';
    }
    const result = await this.iterator.next();
    this.close();
    return result.done ? '' : result.value.key;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    // Releases the store's iterator; a failure to release it changes nothing the transaction saw.
    this.iterator.return?.().catch(() => undefined);
  }

  private reachEnd(): undefined {
    this.exhausted = true;
    this.endKey = this.requestedEndKey;
    return undefined;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error(`the range query from "${this.startKey}" is closed`);
  }
}
