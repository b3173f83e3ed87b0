import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { common, peer } from '@hyperledger/fabric-protos';
import { ClassicLevel } from 'classic-level';
import type { Height, KeyModification, StateReader, VersionedKeyValue, VersionedValue } from '../ledger-state';
import { BlockFileReader, BlockFileWriter, blockFilePath } from './block-file';
import { stageBlockCommit } from './block-commit';
import { blockTransactions } from './block-writes';
import { serializeBlock } from './block-serialization';
import { chainLinkProblem, headerHashOf } from './chain-links';
import {
  blockHashKey,
  blockNumberKey,
  decodeBlockLocation,
  decodeBlockNumber,
  decodeKeyModification,
  decodeVersionedValue,
  historyRange,
  stateKey,
  stateKeyName,
  stateRange,
  decodeTransactionRecord,
  txIdKey,
} from './ledger-keys';
import { committedAmong, readCheckedBlock, recoverLedger, type LedgerDb } from './recovery';
import { StateCache, type CommittedWrite } from './state-cache';

/** Where a transaction id was committed and whether it was valid: what CommitStatus answers. */
export interface TransactionRecord {
  readonly blockNum: number;
  readonly txNum: number;
  /** `peer.TxValidationCode`. */
  readonly validationCode: number;
}

/**
 * The embedded ledger's durable storage: Fabric's block store (block files + index), state
 * database and history database, kept consistent by one savepoint.
 */
export interface LedgerStore extends StateReader {
  /** Number of blocks committed (= next block number). */
  readonly height: number;
  /** Header hash (`blockHeaderHash`) of the last block, undefined when empty. */
  readonly lastBlockHash: Buffer | undefined;
  /**
   * Stores a block whose TRANSACTIONS_FILTER metadata the committer has set: appends it to the
   * block file and fsyncs, then in one LevelDB batch indexes it (number, header hash, every tx id
   * with its validation code), applies its valid transactions' writes to state and history and
   * moves the savepoint to it. Resolves when all of it is durable. Blocks must come in order
   * (number === height, previous hash === lastBlockHash) or it throws without writing anything.
   * Calls may overlap; they are applied one after the other in call order.
   */
  commitBlock(block: common.Block): Promise<void>;
  /** The block as stored (protobuf bytes), for Deliver; throws if `blockNum` is not below height. */
  blockBytes(blockNum: number): Promise<Buffer>;
  block(blockNum: number): Promise<common.Block>;
  /** The number of the block with this header hash (qscc GetBlockByHash), if committed. */
  blockNumberByHash(blockHash: Uint8Array): Promise<number | undefined>;
  /** The first committed transaction with this id (a later duplicate is DUPLICATE_TXID), if any. */
  transaction(txId: string): Promise<TransactionRecord | undefined>;
  /** Which of these transaction ids are committed, in one lookup (the committer asks per block). */
  committedTxIds(txIds: readonly string[]): Promise<Set<string>>;
  /** The committed versions of many keys in one lookup, in the order asked (undefined: absent). */
  versions(keys: ReadonlyArray<{ readonly namespace: string; readonly key: string }>): Promise<Array<Height | undefined>>;
  /** Waits for commits under way, then releases the files and the database. */
  close(): Promise<void>;
}

export interface LedgerStoreOptions {
  /** A block file is closed for appends once the next block would take it past this size. */
  readonly maxBlockFileBytes?: number;
  /** Receives what recovery did (a torn tail cut, blocks re-applied, a rollback). */
  readonly log?: (line: string) => void;
}

/** Fabric's default block file size (`blkstorage.Conf` maxBlockfileSize): 64 MiB. */
export const DEFAULT_MAX_BLOCK_FILE_BYTES = 64 * 1024 * 1024;

/**
 * Opens (creating if needed) the ledger stored in `directory`: block files under `chains/`, state,
 * history and indexes in the LevelDB `ledger-db/`. Opening recovers from any crash first, so the
 * store it returns always has every block whose commit resolved, and nothing half-applied.
 * Fails with a `BlockFileCorruptionError` when a block file holds bytes no crash can explain.
 */
export async function openLedgerStore(directory: string, options: LedgerStoreOptions = {}): Promise<LedgerStore> {
  const log = options.log ?? logToStderr;
  const chainsDir = join(directory, 'chains');
  await mkdir(chainsDir, { recursive: true });
  const db: LedgerDb = new ClassicLevel<Buffer, Buffer>(join(directory, 'ledger-db'), { keyEncoding: 'buffer', valueEncoding: 'buffer' });
  await db.open();
  const reader = new BlockFileReader(chainsDir);
  try {
    const recovered = await recoverLedger(chainsDir, db, reader, log);
    const writer = await BlockFileWriter.open(chainsDir, options.maxBlockFileBytes ?? DEFAULT_MAX_BLOCK_FILE_BYTES, recovered.fileNum, recovered.size);
    return new LevelLedgerStore(chainsDir, db, reader, writer, recovered.savepoint);
  } catch (error) {
    await reader.close();
    await db.close();
    throw error;
  }
}

/**
 * Keys whose latest value the store keeps in memory (see StateCache): the hot keys of a busy
 * channel are a few hundred; at a kilobyte a value this bounds the cache near 4 MB.
 */
const STATE_CACHE_ENTRIES = 4096;

class LevelLedgerStore implements LedgerStore {
  height: number;
  lastBlockHash: Buffer | undefined;
  private commits: Promise<unknown> = Promise.resolve();
  /** Set when a block reached its file but not LevelDB: only reopening (recovery) can fix that. */
  private failure: Error | undefined;
  private closed = false;
  private readonly stateCache = new StateCache(STATE_CACHE_ENTRIES);

  constructor(
    private readonly chainsDir: string,
    private readonly db: LedgerDb,
    private readonly reader: BlockFileReader,
    private readonly writer: BlockFileWriter,
    savepoint: { blockNum: number; blockHash: Buffer } | undefined,
  ) {
    this.height = savepoint === undefined ? 0 : savepoint.blockNum + 1;
    this.lastBlockHash = savepoint?.blockHash;
  }

  commitBlock(block: common.Block): Promise<void> {
    if (this.closed) return Promise.reject(new Error('the ledger store is closed; open it again to commit blocks'));
    const commit = this.commits.then(() => this.commitNext(block));
    this.commits = commit.catch(() => undefined);
    return commit;
  }

  private async commitNext(block: common.Block): Promise<void> {
    if (this.failure !== undefined) {
      throw new Error(`an earlier commit failed half way (${this.failure.message}); close and reopen the ledger store, which re-applies what reached the block file`);
    }
    const blockNum = this.height;
    const problem = chainLinkProblem(block, blockNum, this.lastBlockHash);
    if (problem !== undefined) throw new Error(`cannot commit: the block ${problem}`);
    const transactions = blockTransactions(block);
    const blockHash = headerHashOf(block);
    let placed: Awaited<ReturnType<BlockFileWriter['append']>>;
    try {
      placed = await this.writer.append(serializeBlock(block));
    } catch (error) {
      this.failure = error as Error;
      throw error;
    }
    try {
      const batch = this.db.batch();
      const indexed = await this.committedTxIds(transactions.map((t) => t.txId).filter((id) => id !== ''));
      stageBlockCommit(batch, { blockNum, blockHash, location: placed.location, end: placed.end, transactions }, indexed);
      await batch.write({ sync: true });
      this.stateCache.committed(validWrites(transactions, blockNum));
    } catch (error) {
      this.failure = error as Error;
      throw new Error(
        `block ${blockNum} is durable in ${blockFilePath(this.chainsDir, placed.location.fileNum)} but indexing it failed ` +
          `(${(error as Error).message}); close and reopen the ledger store to re-apply it`,
        { cause: error },
      );
    }
    this.height = blockNum + 1;
    this.lastBlockHash = blockHash;
  }

  async get(namespace: string, key: string): Promise<VersionedValue | undefined> {
    const cached = this.stateCache.lookup(namespace, key);
    if (cached !== undefined) return cached ?? undefined;
    const token = this.stateCache.beforeRead();
    const bytes = await this.db.get(stateKey(namespace, key));
    const value = bytes === undefined ? undefined : decodeVersionedValue(bytes);
    this.stateCache.remember(token, namespace, key, value);
    return value;
  }

  async *range(namespace: string, startKey: string, endKey: string): AsyncIterable<VersionedKeyValue> {
    const bounds = stateRange(namespace, startKey, endKey);
    for await (const [dbKey, bytes] of this.db.iterator(bounds)) {
      yield { key: stateKeyName(namespace, dbKey), ...decodeVersionedValue(bytes) };
    }
  }

  async *history(namespace: string, key: string): AsyncIterable<KeyModification> {
    for await (const bytes of this.db.values({ ...historyRange(namespace, key), reverse: true })) {
      yield decodeKeyModification(bytes);
    }
  }

  /** The block's protobuf bytes, as Deliver and qscc hand it out. */
  async blockBytes(blockNum: number): Promise<Buffer> {
    return Buffer.from((await this.block(blockNum)).serializeBinary());
  }

  /**
   * The block, read back from its file and checked before anyone sees it: it must decode, carry its
   * number and hash to its header's data hash, so a damaged block file is reported (file, block,
   * byte offset) instead of served.
   */
  async block(blockNum: number): Promise<common.Block> {
    if (!Number.isSafeInteger(blockNum) || blockNum < 0 || blockNum >= this.height) {
      throw new RangeError(`block ${blockNum} is not in the ledger: its height is ${this.height} (blocks 0..${this.height - 1})`);
    }
    const locationBytes = await this.db.get(blockNumberKey(blockNum));
    if (locationBytes === undefined) throw new Error(`block ${blockNum} is below the height but not indexed; reopen the ledger store to rebuild its index`);
    const location = decodeBlockLocation(locationBytes);
    return readCheckedBlock(this.reader, blockFilePath(this.chainsDir, location.fileNum), location, blockNum);
  }

  async blockNumberByHash(blockHash: Uint8Array): Promise<number | undefined> {
    const bytes = await this.db.get(blockHashKey(blockHash));
    return bytes === undefined ? undefined : decodeBlockNumber(bytes);
  }

  async transaction(txId: string): Promise<TransactionRecord | undefined> {
    const bytes = await this.db.get(txIdKey(txId));
    return bytes === undefined ? undefined : decodeTransactionRecord(bytes);
  }

  async committedTxIds(txIds: readonly string[]): Promise<Set<string>> {
    return committedAmong(this.db, txIds);
  }

  async versions(keys: ReadonlyArray<{ readonly namespace: string; readonly key: string }>): Promise<Array<Height | undefined>> {
    const cached = keys.map(({ namespace, key }) => this.stateCache.lookup(namespace, key));
    const missing = keys.filter((_, i) => cached[i] === undefined);
    const read = missing.length === 0 ? [] : await this.db.getMany(missing.map(({ namespace, key }) => stateKey(namespace, key)));
    let next = 0;
    return cached.map((value) => {
      if (value !== undefined) return value?.version;
      const bytes = read[next++];
      return bytes === undefined ? undefined : decodeVersionedValue(bytes).version;
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.commits;
    await this.writer.close();
    await this.reader.close();
    await this.db.close();
  }
}

function logToStderr(line: string): void {
  process.stderr.write(`${JSON.stringify({ level: 'info', component: 'ledger-storage', message: line })}\n`);
}

/** The writes of a block's valid transactions, in commit order, with the height each gives its key. */
function* validWrites(transactions: ReturnType<typeof blockTransactions>, blockNum: number): Iterable<CommittedWrite> {
  for (const transaction of transactions) {
    if (transaction.validationCode !== peer.TxValidationCode.VALID) continue;
    for (const { namespace, key, value } of transaction.writes) yield { namespace, key, value, version: { blockNum, txNum: transaction.txNum } };
  }
}
