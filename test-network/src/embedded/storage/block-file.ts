import { decodeVarint, encodeVarint } from './varint';
import { open, readdir, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Block files as Fabric writes them (`common/ledger/blkstorage`): `blockfile_000000`,
 * `blockfile_000001`…, each a sequence of records `varint(length) ‖ serializeBlock(block)` (Fabric's serialisation). The
 * files are the ledger's source of truth; everything in LevelDB can be rebuilt from them.
 */

const BLOCK_FILE_PREFIX = 'blockfile_';

export function blockFileName(fileNum: number): string {
  return `${BLOCK_FILE_PREFIX}${String(fileNum).padStart(6, '0')}`;
}

export function blockFilePath(chainsDir: string, fileNum: number): string {
  return join(chainsDir, blockFileName(fileNum));
}

/** Where a block's record lies: the block-number index maps a number to this. */
export interface BlockLocation {
  readonly fileNum: number;
  /** Offset of the block bytes (after the length prefix). */
  readonly offset: number;
  readonly length: number;
}

/** A complete record read back from a block file. */
export interface BlockRecord {
  /** Offset of the record's length prefix. */
  readonly recordOffset: number;
  /** Offset just past the record: where the next one starts. */
  readonly end: number;
  readonly location: BlockLocation;
  readonly bytes: Buffer;
}

/**
 * How a run of records ended. `torn` is what a crash during an append leaves (a partial length
 * prefix, a length promising more bytes than the file holds, or a zero-filled tail some file
 * systems leave after a power cut); `corrupt` is something no append of ours can produce.
 */
export type RecordsEnd =
  | { readonly kind: 'clean'; readonly offset: number }
  | { readonly kind: 'torn' | 'corrupt'; readonly offset: number; readonly reason: string };


/**
 * Splits `buffer` (the bytes of a block file from `baseOffset` on) into complete records and says
 * how the run ended. Pure, so the torn-tail rules can be tested on bytes alone.
 */
export function readRecords(buffer: Buffer, fileNum: number, baseOffset: number): { records: BlockRecord[]; end: RecordsEnd } {
  const records: BlockRecord[] = [];
  let at = 0;
  while (at < buffer.length) {
    const recordOffset = baseOffset + at;
    if (buffer[at] === 0) {
      // Length 0 is never a block (a block has at least a header).
      return { records, end: zeroRecordEnd(buffer, at, recordOffset) };
    }
    const prefix = decodeVarint(buffer, at);
    if (prefix === 'incomplete') {
      return { records, end: { kind: 'torn', offset: recordOffset, reason: `a partial length prefix (${buffer.length - at} bytes)` } };
    }
    if (prefix === 'invalid') {
      return { records, end: { kind: 'corrupt', offset: recordOffset, reason: 'a length prefix longer than any block length' } };
    }
    const start = at + prefix.size;
    const available = buffer.length - start;
    if (prefix.value > available) {
      const reason = `a record promising ${prefix.value} block bytes of which only ${available} were written`;
      return { records, end: { kind: 'torn', offset: recordOffset, reason } };
    }
    const end = start + prefix.value;
    records.push({
      recordOffset,
      end: baseOffset + end,
      location: { fileNum, offset: baseOffset + start, length: prefix.value },
      bytes: buffer.subarray(start, end),
    });
    at = end;
  }
  return { records, end: { kind: 'clean', offset: baseOffset + at } };
}

function zeroRecordEnd(buffer: Buffer, at: number, recordOffset: number): RecordsEnd {
  const zeros = buffer.length - at;
  if (buffer.subarray(at).every((byte) => byte === 0)) {
    return { kind: 'torn', offset: recordOffset, reason: `${zeros} zero bytes (space the file system allocated but never filled)` };
  }
  return { kind: 'corrupt', offset: recordOffset, reason: 'a zero-length record followed by non-zero bytes' };
}


/** The block file numbers present in `chainsDir`, ascending; other files are ignored. */
export async function listBlockFiles(chainsDir: string): Promise<number[]> {
  const numbers: number[] = [];
  for (const name of await readdir(chainsDir)) {
    const suffix = name.startsWith(BLOCK_FILE_PREFIX) ? name.slice(BLOCK_FILE_PREFIX.length) : '';
    if (/^\d{6,}$/.test(suffix)) numbers.push(Number(suffix));
  }
  numbers.sort((a, b) => a - b);
  numbers.forEach((fileNum, index) => {
    if (fileNum !== index) {
      throw new Error(
        `${blockFilePath(chainsDir, index)} is missing while ${blockFileName(fileNum)} exists: the block files must run ` +
          'without gaps from blockfile_000000; restore the missing file from a copy of this ledger directory',
      );
    }
  });
  return numbers;
}

/**
 * Appends records to the newest block file and makes each durable (fdatasync) before
 * returning, rolling to a new file when the current one would grow past `maxFileBytes`.
 * Only one append may run at a time; the ledger store serialises commits.
 */
export class BlockFileWriter {
  private constructor(
    private readonly chainsDir: string,
    private readonly maxFileBytes: number,
    private handle: FileHandle,
    private fileNum: number,
    private size: number,
  ) {}

  /** Opens `fileNum` for appending; its bytes past `size` (a torn tail) must already be cut. */
  static async open(chainsDir: string, maxFileBytes: number, fileNum: number, size: number): Promise<BlockFileWriter> {
    const handle = await open(blockFilePath(chainsDir, fileNum), 'a');
    if (size === 0) await syncDirectory(chainsDir);
    return new BlockFileWriter(chainsDir, maxFileBytes, handle, fileNum, size);
  }

  /** The end of the last durable record: where the next block goes. */
  get position(): { fileNum: number; size: number } {
    return { fileNum: this.fileNum, size: this.size };
  }

  /**
   * Writes `varint(length) ‖ blockBytes` and fdatasyncs. On failure the file is cut back to its
   * previous size, so a failed append leaves no partial record behind while the process lives.
   */
  async append(blockBytes: Uint8Array): Promise<{ location: BlockLocation; end: number }> {
    const prefix = encodeVarint(blockBytes.length);
    const recordLength = prefix.length + blockBytes.length;
    // A block larger than a whole file still gets a file of its own rather than an endless roll.
    if (this.size > 0 && this.size + recordLength > this.maxFileBytes) await this.roll();
    const recordOffset = this.size;
    try {
      const { bytesWritten } = await this.handle.writev([prefix, blockBytes]);
      if (bytesWritten !== recordLength) throw new Error(`wrote ${bytesWritten} of ${recordLength} bytes`);
      await this.handle.datasync();
    } catch (error) {
      await this.handle.truncate(recordOffset);
      throw new Error(`could not append a block to ${blockFilePath(this.chainsDir, this.fileNum)}: ${(error as Error).message}`, { cause: error });
    }
    this.size += recordLength;
    return { location: { fileNum: this.fileNum, offset: recordOffset + prefix.length, length: blockBytes.length }, end: this.size };
  }

  async close(): Promise<void> {
    await this.handle.close();
  }

  private async roll(): Promise<void> {
    const next = await open(blockFilePath(this.chainsDir, this.fileNum + 1), 'a');
    await syncDirectory(this.chainsDir);
    await this.handle.close();
    this.handle = next;
    this.fileNum += 1;
    this.size = 0;
  }
}

/** Reads blocks at known locations, keeping one read handle per file until closed. */
export class BlockFileReader {
  private readonly handles = new Map<number, Promise<FileHandle>>();

  constructor(private readonly chainsDir: string) {}

  async read(location: BlockLocation): Promise<Buffer> {
    const handle = await this.handle(location.fileNum);
    const bytes = Buffer.allocUnsafe(location.length);
    const { bytesRead } = await handle.read(bytes, 0, location.length, location.offset);
    if (bytesRead !== location.length) {
      throw new Error(
        `${blockFilePath(this.chainsDir, location.fileNum)} ends before offset ${location.offset + location.length} ` +
          `where the index says a block ends; the block files were truncated or replaced: restore them from a copy`,
      );
    }
    return bytes;
  }

  async close(): Promise<void> {
    const handles = [...this.handles.values()];
    this.handles.clear();
    await Promise.all(handles.map(async (handle) => (await handle).close()));
  }

  private handle(fileNum: number): Promise<FileHandle> {
    let handle = this.handles.get(fileNum);
    if (handle === undefined) {
      handle = open(blockFilePath(this.chainsDir, fileNum), 'r');
      this.handles.set(fileNum, handle);
      handle.catch(() => this.handles.delete(fileNum));
    }
    return handle;
  }
}

/** Makes a newly created file's directory entry durable, so a crash cannot lose the file itself. */
async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
