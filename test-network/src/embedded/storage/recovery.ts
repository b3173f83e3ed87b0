import { open, stat, truncate } from 'node:fs/promises';
import { common } from '@hyperledger/fabric-protos';
import type { ClassicLevel } from 'classic-level';
import { BlockFileReader, blockFilePath, listBlockFiles, readRecords, type BlockLocation, type BlockRecord } from './block-file';
import { deserializeBlock } from './block-serialization';
import { encodeVarint } from './varint';
import { stageBlockCommit } from './block-commit';
import { blockTransactions, type BlockTransaction } from './block-writes';
import { chainLinkProblem, headerHashOf } from './chain-links';
import { SAVEPOINT_KEY, blockNumberKey, decodeBlockLocation, decodeSavepoint, txIdKey, type Savepoint } from './ledger-keys';

export type LedgerDb = ClassicLevel<Buffer, Buffer>;

/**
 * A block file holds bytes no crash of ours can leave behind. Opening stops here rather than
 * cutting the file, because everything from `offset` on may be transactions clients were told
 * are committed.
 */
export class BlockFileCorruptionError extends Error {
  constructor(
    readonly file: string,
    readonly blockNum: number,
    readonly offset: number,
    problem: string,
  ) {
    super(
      `${file}: the record at byte offset ${offset}, where block ${blockNum} was expected, ${problem}. ` +
        'The ledger cannot open: restore its directory from a copy. The file is not trimmed automatically, because ' +
        'cutting it here would drop this block and every later one, which may hold transactions already acknowledged as committed.',
    );
    this.name = 'BlockFileCorruptionError';
  }
}

/** Where recovery left the ledger: the last applied block and where the next record goes. */
export interface RecoveredLedger {
  readonly savepoint: Savepoint | undefined;
  readonly fileNum: number;
  readonly size: number;
}

/**
 * Brings LevelDB level with the block files, Fabric's `blockfileMgr` sync plus
 * `kvledger.recoverDBs` in one pass:
 *
 * 1. A savepoint pointing past the end of the block files (the files lost blocks LevelDB had
 *    applied) is rolled back: LevelDB is cleared and rebuilt from the files, which are the truth.
 *    A database without a savepoint is cleared too, so a rebuild never starts on leftovers.
 * 2. The savepoint's own block must be at its recorded place with its recorded hash.
 * 3. Every record after the savepoint is read, checked to chain on, indexed and applied: these
 *    are blocks fsynced before a crash stopped their LevelDB batch.
 * 4. A torn record at the end of the last file (a crash during the append) is cut off.
 *
 * Re-applying is idempotent, so a crash during recovery is recovered by the next open.
 */
export async function recoverLedger(chainsDir: string, db: LedgerDb, reader: BlockFileReader, log: (line: string) => void): Promise<RecoveredLedger> {
  const files = await listBlockFiles(chainsDir);
  let savepoint = await readSavepoint(db);
  const rollback = savepoint && (await savepointBeyondFiles(chainsDir, files, savepoint));
  if (rollback) {
    log(`${rollback}: rolling back, rebuilding state, history and indexes from the block files`);
    await db.del(SAVEPOINT_KEY, { sync: true });
    savepoint = undefined;
  }
  if (savepoint === undefined) await db.clear();
  else await verifySavepointBlock(chainsDir, db, reader, savepoint);

  const lastFileNum = Math.max(files.length - 1, 0);
  let applied = savepoint;
  let size = 0;
  const firstReplayed = savepoint === undefined ? 0 : savepoint.blockNum + 1;
  for (let fileNum = savepoint?.fileNum ?? 0; fileNum < files.length; fileNum++) {
    const file = blockFilePath(chainsDir, fileNum);
    const start = fileNum === savepoint?.fileNum ? savepoint.end : 0;
    const { records, end } = readRecords(await readFrom(file, start), fileNum, start);
    for (const record of records) applied = await replayRecord(db, file, record, applied);
    const nextBlockNum = applied === undefined ? 0 : applied.blockNum + 1;
    if (end.kind === 'corrupt' || (end.kind === 'torn' && fileNum !== lastFileNum)) {
      throw new BlockFileCorruptionError(file, nextBlockNum, end.offset, `is ${end.reason}`);
    }
    if (end.kind === 'torn') {
      await truncate(file, end.offset);
      log(`${file}: cut a torn tail at byte offset ${end.offset} (${end.reason}): block ${nextBlockNum} was being appended when the process stopped and was never acknowledged`);
    }
    size = end.offset;
  }
  if (applied !== undefined && applied.blockNum >= firstReplayed) {
    log(`re-indexed and re-applied blocks ${firstReplayed}..${applied.blockNum} found in the block files above the savepoint`);
  }
  return { savepoint: applied, fileNum: lastFileNum, size };
}

async function readSavepoint(db: LedgerDb): Promise<Savepoint | undefined> {
  const bytes = await db.get(SAVEPOINT_KEY);
  return bytes === undefined ? undefined : decodeSavepoint(bytes);
}

/** Why the savepoint cannot be trusted, if the block files end before it. */
async function savepointBeyondFiles(chainsDir: string, files: readonly number[], savepoint: Savepoint): Promise<string | undefined> {
  const file = blockFilePath(chainsDir, savepoint.fileNum);
  const prefix = `the savepoint says block ${savepoint.blockNum} ends at byte ${savepoint.end} of ${file}`;
  if (!files.includes(savepoint.fileNum)) return `${prefix}, but that file does not exist`;
  const { size } = await stat(file);
  return size < savepoint.end ? `${prefix}, but the file holds only ${size} bytes` : undefined;
}

async function verifySavepointBlock(chainsDir: string, db: LedgerDb, reader: BlockFileReader, savepoint: Savepoint): Promise<void> {
  const file = blockFilePath(chainsDir, savepoint.fileNum);
  const locationBytes = await db.get(blockNumberKey(savepoint.blockNum));
  const location = locationBytes && decodeBlockLocation(locationBytes);
  if (location === undefined || location.fileNum !== savepoint.fileNum || location.offset + location.length !== savepoint.end) {
    throw new Error(
      `the ledger database's index does not place block ${savepoint.blockNum} where its savepoint does (${file}, ending at byte ${savepoint.end}); ` +
        'the database is damaged: delete its directory and reopen to rebuild it from the block files',
    );
  }
  const recordOffset = location.offset - encodeVarint(location.length).length;
  const block = await readCheckedBlock(reader, file, location, savepoint.blockNum);
  if (!headerHashOf(block).equals(savepoint.blockHash)) {
    throw new BlockFileCorruptionError(file, savepoint.blockNum, recordOffset, `holds a block with header hash ${headerHashOf(block).toString('hex')}, not ${savepoint.blockHash.toString('hex')} as when it was committed`);
  }
}

/**
 * A committed block read back from its record: it must decode, carry the expected number and hash
 * to its header's data hash; otherwise a {@link BlockFileCorruptionError} names file, block and
 * offset. (Older blocks' links to each other were checked when they were appended or replayed.)
 */
export async function readCheckedBlock(reader: BlockFileReader, file: string, location: BlockLocation, blockNum: number): Promise<common.Block> {
  const recordOffset = location.offset - encodeVarint(location.length).length;
  const block = decodeBlock(await reader.read(location), file, blockNum, recordOffset);
  const problem = chainLinkProblem(block, blockNum, undefined);
  if (problem !== undefined) throw new BlockFileCorruptionError(file, blockNum, recordOffset, `holds a block that ${problem}`);
  return block;
}

async function replayRecord(db: LedgerDb, file: string, record: BlockRecord, previous: Savepoint | undefined): Promise<Savepoint> {
  const blockNum = previous === undefined ? 0 : previous.blockNum + 1;
  const block = decodeBlock(record.bytes, file, blockNum, record.recordOffset);
  const problem = chainLinkProblem(block, blockNum, previous?.blockHash);
  if (problem !== undefined) throw new BlockFileCorruptionError(file, blockNum, record.recordOffset, `holds a block that ${problem}`);
  let transactions: BlockTransaction[];
  try {
    transactions = blockTransactions(block);
  } catch (error) {
    throw new BlockFileCorruptionError(file, blockNum, record.recordOffset, `holds a block whose transactions cannot be read: ${(error as Error).message}`);
  }
  const blockHash = headerHashOf(block);
  const batch = db.batch();
  const indexed = await committedAmong(db, transactions.map((t) => t.txId).filter((id) => id !== ''));
  stageBlockCommit(batch, { blockNum, blockHash, location: record.location, end: record.end, transactions }, indexed);
  // No sync: the block is durable in its file and replaying it again after a crash is harmless.
  await batch.write();
  return { blockNum, blockHash, fileNum: record.location.fileNum, end: record.end };
}

function decodeBlock(bytes: Buffer, file: string, blockNum: number, offset: number): common.Block {
  try {
    return deserializeBlock(bytes);
  } catch (error) {
    throw new BlockFileCorruptionError(file, blockNum, offset, `does not decode as a block (${(error as Error).message})`);
  }
}

async function readFrom(file: string, offset: number): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const bytes = Buffer.allocUnsafe(Math.max(size - offset, 0));
    const { bytesRead } = await handle.read(bytes, 0, bytes.length, offset);
    return bytes.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** Which of `txIds` the transaction index already holds: one getMany for a whole block. */
export async function committedAmong(db: LedgerDb, txIds: readonly string[]): Promise<Set<string>> {
  if (txIds.length === 0) return new Set();
  const found = await db.getMany(txIds.map(txIdKey));
  return new Set(txIds.filter((_, i) => found[i] !== undefined));
}
