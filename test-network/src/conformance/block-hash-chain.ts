import { createHash } from 'node:crypto';
import type { common } from '@hyperledger/fabric-protos';

/**
 * Fabric's block header bytes, written here from the definition rather than taken from any
 * ledger's code: the DER of `SEQUENCE { number INTEGER, previousHash OCTET STRING, dataHash
 * OCTET STRING }` (Go's `asn1.Marshal` of `protoutil.asn1Header`). A block's hash is SHA-256 of it.
 */
export function blockHeaderDer(number: bigint, previousHash: Uint8Array, dataHash: Uint8Array): Buffer {
  return derTlv(0x30, Buffer.concat([derTlv(0x02, derIntegerContent(number)), derTlv(0x04, previousHash), derTlv(0x04, dataHash)]));
}

export function blockHash(block: common.Block): Buffer {
  const header = block.getHeader();
  if (!header) throw new Error(`a block has no header`);
  return sha256(blockHeaderDer(BigInt(header.getNumber()), header.getPreviousHash_asU8(), header.getDataHash_asU8()));
}

/** SHA-256 over the block's envelopes concatenated (BlockDataHashingStructure width 2³²−1). */
export function blockDataHash(block: common.Block): Buffer {
  return sha256(Buffer.concat(block.getData()?.getDataList_asU8() ?? []));
}

/**
 * What is wrong with a run of consecutive blocks starting at block 0: numbering, data hashes,
 * and each previous hash against the hash of the block before. Empty when the chain verifies.
 */
export function hashChainProblems(blocks: readonly common.Block[]): string[] {
  const problems: string[] = [];
  blocks.forEach((block, i) => {
    const header = block.getHeader();
    if (!header) return problems.push(`block at position ${i} has no header`);
    if (header.getNumber() !== i) problems.push(`block at position ${i} is numbered ${header.getNumber()}`);
    const dataHash = blockDataHash(block);
    if (!dataHash.equals(header.getDataHash_asU8())) {
      problems.push(`block ${i}: data_hash ${hex(header.getDataHash_asU8())} is not SHA-256 of its envelopes (${dataHash.toString('hex')})`);
    }
    const expectedPrevious = i === 0 ? Buffer.alloc(0) : blockHash(blocks[i - 1]!);
    if (!expectedPrevious.equals(header.getPreviousHash_asU8())) {
      problems.push(`block ${i}: previous_hash ${hex(header.getPreviousHash_asU8())} is not the hash of block ${i - 1} (${expectedPrevious.toString('hex')})`);
    }
    return undefined;
  });
  return problems;
}

function derTlv(tag: number, content: Uint8Array): Buffer {
  return Buffer.concat([Buffer.of(tag), derLength(content.length), content]);
}

function derLength(length: number): Buffer {
  if (length < 0x80) return Buffer.of(length);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return Buffer.of(0x80 | bytes.length, ...bytes);
}

/** Minimal big-endian two's complement of a non-negative integer: a leading 0 when the top bit is set. */
function derIntegerContent(value: bigint): Buffer {
  if (value < 0n) throw new RangeError(`block numbers are not negative, got ${value}`);
  let hexDigits = value.toString(16);
  if (hexDigits.length % 2 === 1) hexDigits = `0${hexDigits}`;
  const bytes = Buffer.from(hexDigits, 'hex');
  return bytes[0]! & 0x80 ? Buffer.concat([Buffer.of(0), bytes]) : bytes;
}

function sha256(data: Uint8Array): Buffer {
  return createHash('sha256').update(data).digest();
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex') || '(empty)';
}
