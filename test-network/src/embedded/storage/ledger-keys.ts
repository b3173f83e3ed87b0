import type { Height, KeyModification, VersionedValue } from '../ledger-state';
import type { BlockLocation } from './block-file';

/**
 * The byte layout of the one LevelDB that holds state, history, the block and transaction
 * indexes and the savepoint. A one-byte prefix keeps each apart; LevelDB compares keys as bytes,
 * which is the order `range` must yield. Numbers are 8-byte big-endian so they sort numerically.
 */

const STATE = 0x73; // 's' ns 0x00 key                            -> version ‖ value
const HISTORY = 0x68; // 'h' ns 0x00 len(key) key blockNum txNum    -> KeyModification
const BLOCK_NUMBER = 0x6e; // 'n' blockNum                          -> BlockLocation
const BLOCK_HASH = 0x62; // 'b' header hash                         -> blockNum
const TX_ID = 0x74; // 't' txId                                     -> blockNum txNum validation code
/** 's' ns 0x01 sorts after every 's' ns 0x00 key: the end of a namespace. */
const NAMESPACE_END = 0x01;
const HEIGHT_BYTES = 16;

/** The savepoint's key: 'p'. */
export const SAVEPOINT_KEY = Buffer.from('p');

/**
 * The last block whose index, state and history writes are in LevelDB, and where its record
 * ends in the block files. Written in the same batch as the block's data, so it is never ahead of
 * or behind them (Fabric keeps this as `blkMgrInfo` plus the state and history savepoints).
 */
export interface Savepoint {
  readonly blockNum: number;
  readonly blockHash: Buffer;
  readonly fileNum: number;
  /** Offset just past the block's record in `fileNum`. */
  readonly end: number;
}

export function encodeSavepoint(savepoint: Savepoint): Buffer {
  const { blockNum, blockHash, fileNum, end } = savepoint;
  return Buffer.from(JSON.stringify({ blockNum, blockHash: blockHash.toString('hex'), fileNum, end }));
}

export function decodeSavepoint(bytes: Buffer): Savepoint {
  const { blockNum, blockHash, fileNum, end } = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
  if (typeof blockNum !== 'number' || typeof blockHash !== 'string' || typeof fileNum !== 'number' || typeof end !== 'number') {
    throw new Error(`the ledger database's savepoint is unreadable (${bytes.toString('utf8')}); delete the database directory to rebuild it from the block files`);
  }
  return { blockNum, blockHash: Buffer.from(blockHash, 'hex'), fileNum, end };
}

// --- state -------------------------------------------------------------------------------

/**
 * Fabric namespaces are chaincode names; U+0000 would blur the namespace/key boundary, so it is
 * refused rather than silently mixing two namespaces' keys.
 */
function namespacePrefix(namespace: string, terminator: number): Buffer {
  if (namespace.length === 0 || namespace.includes('\u0000')) {
    throw new RangeError(`namespace ${JSON.stringify(namespace)} must be a non-empty string without U+0000`);
  }
  const length = Buffer.byteLength(namespace);
  const prefix = Buffer.allocUnsafe(length + 2);
  prefix[0] = STATE;
  prefix.write(namespace, 1, 'utf8');
  prefix[length + 1] = terminator;
  return prefix;
}

export function stateKey(namespace: string, key: string): Buffer {
  return Buffer.concat([namespacePrefix(namespace, 0), Buffer.from(key, 'utf8')]);
}

/** LevelDB bounds for `[startKey, endKey)` within one namespace; `''` as end means its end. */
export function stateRange(namespace: string, startKey: string, endKey: string): { gte: Buffer; lt: Buffer } {
  return {
    gte: stateKey(namespace, startKey),
    lt: endKey === '' ? namespacePrefix(namespace, NAMESPACE_END) : stateKey(namespace, endKey),
  };
}

/** The chaincode key of a state entry found by a range over `namespace`. */
export function stateKeyName(namespace: string, dbKey: Buffer): string {
  return dbKey.toString('utf8', Buffer.byteLength(namespace) + 2);
}

/** A state value with the height of the write that produced it (Fabric's `VersionedValue`). */
export function encodeVersionedValue(value: Uint8Array, version: Height): Buffer {
  const bytes = Buffer.allocUnsafe(HEIGHT_BYTES + value.length);
  writeHeight(bytes, 0, version);
  bytes.set(value, HEIGHT_BYTES);
  return bytes;
}

export function decodeVersionedValue(bytes: Buffer): VersionedValue {
  return { version: readHeight(bytes, 0), value: bytes.subarray(HEIGHT_BYTES) };
}

// --- history -----------------------------------------------------------------------------

/**
 * The key's length comes before the key so that one key's entries are never a prefix range of
 * another's ("a" and "a\u0000b" are distinct), as in Fabric's history keys.
 */
function historyPrefix(namespace: string, key: string): Buffer {
  const ns = namespacePrefix(namespace, 0);
  ns[0] = HISTORY;
  const keyBytes = Buffer.from(key, 'utf8');
  const length = Buffer.allocUnsafe(4);
  length.writeUInt32BE(keyBytes.length);
  return Buffer.concat([ns, length, keyBytes]);
}

export function historyKey(namespace: string, key: string, height: Height): Buffer {
  const prefix = historyPrefix(namespace, key);
  const bytes = Buffer.allocUnsafe(prefix.length + HEIGHT_BYTES);
  prefix.copy(bytes);
  writeHeight(bytes, prefix.length, height);
  return bytes;
}

/** Bounds of every history entry of one key; iterated in reverse for newest first. */
export function historyRange(namespace: string, key: string): { gte: Buffer; lte: Buffer } {
  const gte = historyPrefix(namespace, key);
  return { gte, lte: Buffer.concat([gte, Buffer.alloc(HEIGHT_BYTES, 0xff)]) };
}

/** flags(1: isDelete) ‖ seconds(f64) ‖ nanos(u32) ‖ len(txId)(u16) ‖ txId ‖ value. */
export function encodeKeyModification(modification: KeyModification): Buffer {
  const txId = Buffer.from(modification.txId, 'utf8');
  const bytes = Buffer.allocUnsafe(15 + txId.length + modification.value.length);
  bytes[0] = modification.isDelete ? 1 : 0;
  bytes.writeDoubleBE(modification.timestamp.seconds, 1);
  bytes.writeUInt32BE(modification.timestamp.nanos, 9);
  bytes.writeUInt16BE(txId.length, 13);
  txId.copy(bytes, 15);
  bytes.set(modification.value, 15 + txId.length);
  return bytes;
}

export function decodeKeyModification(bytes: Buffer): KeyModification {
  const txIdEnd = 15 + bytes.readUInt16BE(13);
  return {
    isDelete: bytes[0] === 1,
    timestamp: { seconds: bytes.readDoubleBE(1), nanos: bytes.readUInt32BE(9) },
    txId: bytes.toString('utf8', 15, txIdEnd),
    value: bytes.subarray(txIdEnd),
  };
}

// --- block and transaction indexes ---------------------------------------------------------

export function blockNumberKey(blockNum: number): Buffer {
  const bytes = Buffer.allocUnsafe(9);
  bytes[0] = BLOCK_NUMBER;
  writeUint64(bytes, 1, blockNum);
  return bytes;
}

export function encodeBlockLocation({ fileNum, offset, length }: BlockLocation): Buffer {
  const bytes = Buffer.allocUnsafe(20);
  bytes.writeUInt32BE(fileNum, 0);
  writeUint64(bytes, 4, offset);
  writeUint64(bytes, 12, length);
  return bytes;
}

export function decodeBlockLocation(bytes: Buffer): BlockLocation {
  return { fileNum: bytes.readUInt32BE(0), offset: readUint64(bytes, 4), length: readUint64(bytes, 12) };
}

export function blockHashKey(blockHash: Uint8Array): Buffer {
  return Buffer.concat([Buffer.of(BLOCK_HASH), blockHash]);
}

export function encodeBlockNumber(blockNum: number): Buffer {
  const bytes = Buffer.allocUnsafe(8);
  writeUint64(bytes, 0, blockNum);
  return bytes;
}

export function decodeBlockNumber(bytes: Buffer): number {
  return readUint64(bytes, 0);
}

/**
 * The first occurrence of a transaction id, as Fabric answers a lookup: a later duplicate (marked
 * DUPLICATE_TXID) is in its block's filter but not in this index. One exact key per id makes the
 * lookup a single get, which the endorser and the committer do for every transaction.
 */
export function txIdKey(txId: string): Buffer {
  return Buffer.concat([Buffer.of(TX_ID), Buffer.from(txId, 'utf8')]);
}

export function encodeTransactionRecord(height: Height, validationCode: number): Buffer {
  const bytes = Buffer.allocUnsafe(HEIGHT_BYTES + 1);
  writeHeight(bytes, 0, height);
  bytes[HEIGHT_BYTES] = validationCode;
  return bytes;
}

export function decodeTransactionRecord(bytes: Buffer): Height & { validationCode: number } {
  return { ...readHeight(bytes, 0), validationCode: bytes[HEIGHT_BYTES]! };
}

// --- numbers -------------------------------------------------------------------------------

function writeHeight(bytes: Buffer, offset: number, { blockNum, txNum }: Height): void {
  writeUint64(bytes, offset, blockNum);
  writeUint64(bytes, offset + 8, txNum);
}

function readHeight(bytes: Buffer, offset: number): Height {
  return { blockNum: readUint64(bytes, offset), txNum: readUint64(bytes, offset + 8) };
}

function writeUint64(bytes: Buffer, offset: number, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${value} is not a non-negative safe integer`);
  bytes.writeUInt32BE(Math.floor(value / 0x1_0000_0000), offset);
  bytes.writeUInt32BE(value % 0x1_0000_0000, offset + 4);
}

function readUint64(bytes: Buffer, offset: number): number {
  return bytes.readUInt32BE(offset) * 0x1_0000_0000 + bytes.readUInt32BE(offset + 4);
}
