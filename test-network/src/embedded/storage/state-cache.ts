import type { Height, VersionedValue } from '../ledger-state';
import { LruCache } from '../msp/lru-cache';

/** A committed write as the cache sees it: the key's new value, or undefined when it was deleted. */
export interface CommittedWrite {
  readonly namespace: string;
  readonly key: string;
  readonly value: Uint8Array | undefined;
  readonly version: Height;
}

/**
 * The world state of recently read keys, in memory in front of LevelDB, as Fabric's peer keeps a
 * state cache in front of CouchDB (`ledger.state.couchDBConfig.cacheSize`). Every endorsement
 * reads the same few keys again and again (a department's seal key, a data item, a legal basis);
 * each LevelDB read is a trip through libuv's thread pool, and on a busy two-core machine that
 * trip costs more than the read.
 *
 * It is exact, never stale: the ledger store is the only writer, and it tells the cache each
 * block's writes once they are durable. Keys the cache holds take their new value (a delete
 * holds "absent"); keys it does not hold are left out, so a flood of new keys cannot push out
 * the hot ones. A read that was in flight while a block committed may have read the value before
 * the block; it is not stored (the commit count moved).
 */
export class StateCache {
  private readonly entries: LruCache<string, VersionedValue | null>;
  private commits = 0;

  constructor(capacity: number) {
    this.entries = new LruCache(capacity);
  }

  /** The key's value; null when it is known to be absent; undefined when the cache does not know. */
  lookup(namespace: string, key: string): VersionedValue | null | undefined {
    return this.entries.get(cacheKey(namespace, key));
  }

  /** A token to hand back to {@link remember} with what a read from LevelDB found. */
  beforeRead(): number {
    return this.commits;
  }

  /** Keeps what a read found, unless a block committed since {@link beforeRead} gave `token`. */
  remember(token: number, namespace: string, key: string, value: VersionedValue | undefined): void {
    if (token === this.commits) this.entries.set(cacheKey(namespace, key), value ?? null);
  }

  /** A block's valid writes, durable in LevelDB. */
  committed(writes: Iterable<CommittedWrite>): void {
    this.commits++;
    for (const { namespace, key, value, version } of writes) {
      const at = cacheKey(namespace, key);
      if (this.entries.has(at)) this.entries.set(at, value === undefined ? null : { value: Buffer.from(value), version });
    }
  }
}

/** Namespaces never hold U+0000 (the store refuses such names), so the pair maps to one string. */
function cacheKey(namespace: string, key: string): string {
  return `${namespace}\u0000${key}`;
}
