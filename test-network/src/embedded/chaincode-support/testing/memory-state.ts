import type { Height, KeyModification, StateReader, VersionedKeyValue, VersionedValue } from '../../ledger-state';
import { compareKeys } from '../key-order';

/** A write for {@link MemoryState.commit}; an undefined value deletes the key. */
export interface MemoryWrite {
  readonly namespace: string;
  readonly key: string;
  readonly value: string | Uint8Array | undefined;
}

/**
 * Committed state in memory, for tests of the simulator and of code above it. Each `commit` is one
 * block holding one transaction, so versions are easy to predict: the n-th commit writes at
 * height (n, 0). Keys range in UTF-8 byte order, as in LevelDB.
 */
export class MemoryState implements StateReader {
  private readonly values = new Map<string, Map<string, VersionedValue>>();
  private readonly histories = new Map<string, KeyModification[]>();
  private blockNum = 0;

  commit(writes: readonly MemoryWrite[], txId = `tx-${this.blockNum + 1}`): Height {
    const version = { blockNum: ++this.blockNum, txNum: 0 };
    const timestamp = { seconds: 1_700_000_000 + this.blockNum, nanos: 0 };
    for (const { namespace, key, value } of writes) {
      const bytes = typeof value === 'string' ? Buffer.from(value) : value;
      const namespaceValues = this.namespace(namespace);
      if (bytes === undefined) namespaceValues.delete(key);
      else namespaceValues.set(key, { value: bytes, version });
      const history = this.histories.get(historyKey(namespace, key)) ?? [];
      history.unshift({ txId, value: bytes ?? new Uint8Array(0), timestamp, isDelete: bytes === undefined });
      this.histories.set(historyKey(namespace, key), history);
    }
    return version;
  }

  async get(namespace: string, key: string): Promise<VersionedValue | undefined> {
    return this.values.get(namespace)?.get(key);
  }

  /** The committer's bulk lookup of versions, as the ledger store answers it. */
  async versions(keys: ReadonlyArray<{ readonly namespace: string; readonly key: string }>): Promise<Array<Height | undefined>> {
    return keys.map(({ namespace, key }) => this.values.get(namespace)?.get(key)?.version);
  }

  async *range(namespace: string, startKey: string, endKey: string): AsyncIterable<VersionedKeyValue> {
    const namespaceValues = this.namespace(namespace);
    const keys = [...namespaceValues.keys()]
      .filter((key) => compareKeys(key, startKey) >= 0 && (endKey === '' || compareKeys(key, endKey) < 0))
      .sort(compareKeys);
    for (const key of keys) {
      const committed = namespaceValues.get(key);
      if (committed) yield { key, ...committed };
    }
  }

  async *history(namespace: string, key: string): AsyncIterable<KeyModification> {
    yield* this.histories.get(historyKey(namespace, key)) ?? [];
  }

  private namespace(namespace: string): Map<string, VersionedValue> {
    let namespaceValues = this.values.get(namespace);
    if (!namespaceValues) this.values.set(namespace, (namespaceValues = new Map()));
    return namespaceValues;
  }
}

function historyKey(namespace: string, key: string): string {
  return `${namespace}\u0000${key}`;
}
