import { common } from '@hyperledger/fabric-protos';
import { decodeVarint, encodeVarint } from './varint';

/**
 * A block as Fabric's block store writes it into a block file (`common/ledger/blkstorage/
 * block_serialization.go`), not as its protobuf bytes: varint(number), bytes(data hash),
 * bytes(previous hash), varint(#envelopes), bytes(envelope)…, varint(#metadata), bytes(entry)…,
 * where bytes(x) is varint(length) followed by x. Writing Fabric's own format means Fabric's
 * block store and tools read our block files as they are.
 */
export function serializeBlock(block: common.Block): Buffer {
  const header = block.getHeader();
  if (!header) throw new Error('a block without a header cannot be stored');
  const parts: Uint8Array[] = [];
  const envelopes = block.getData()?.getDataList_asU8() ?? [];
  const metadata = block.getMetadata()?.getMetadataList_asU8() ?? [];
  parts.push(encodeVarint(header.getNumber()));
  pushBytes(parts, header.getDataHash_asU8());
  pushBytes(parts, header.getPreviousHash_asU8());
  parts.push(encodeVarint(envelopes.length));
  for (const envelope of envelopes) pushBytes(parts, envelope);
  parts.push(encodeVarint(metadata.length));
  for (const entry of metadata) pushBytes(parts, entry);
  return Buffer.concat(parts);
}

/** The inverse of {@link serializeBlock}; throws on truncated or trailing bytes. */
export function deserializeBlock(bytes: Uint8Array): common.Block {
  const reader = new Reader(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  const header = new common.BlockHeader();
  header.setNumber(reader.varint('the block number'));
  header.setDataHash(reader.bytes('the data hash'));
  header.setPreviousHash(reader.bytes('the previous hash'));
  const data = new common.BlockData();
  const envelopes: Uint8Array[] = [];
  for (let i = reader.varint('the number of envelopes'); i > 0; i--) envelopes.push(reader.bytes('an envelope'));
  data.setDataList(envelopes);
  const metadata = new common.BlockMetadata();
  const entries: Uint8Array[] = [];
  for (let i = reader.varint('the number of metadata entries'); i > 0; i--) entries.push(reader.bytes('a metadata entry'));
  metadata.setMetadataList(entries);
  if (!reader.done) throw new Error(`${bytes.length - reader.offset} bytes follow the block's metadata`);
  const block = new common.Block();
  block.setHeader(header);
  block.setData(data);
  block.setMetadata(metadata);
  return block;
}

function pushBytes(parts: Uint8Array[], value: Uint8Array): void {
  parts.push(encodeVarint(value.length), value);
}


class Reader {
  offset = 0;
  constructor(private readonly buffer: Buffer) {}

  get done(): boolean {
    return this.offset === this.buffer.length;
  }

  varint(what: string): number {
    const decoded = decodeVarint(this.buffer, this.offset);
    if (decoded === 'incomplete') throw new Error(`the bytes end inside ${what}`);
    if (decoded === 'invalid') throw new Error(`${what} is not a valid varint`);
    this.offset += decoded.size;
    return decoded.value;
  }

  bytes(what: string): Uint8Array {
    const length = this.varint(`the length of ${what}`);
    const end = this.offset + length;
    if (end > this.buffer.length) throw new Error(`the bytes end inside ${what} (${length} bytes announced, ${this.buffer.length - this.offset} left)`);
    const value = this.buffer.subarray(this.offset, end);
    this.offset = end;
    return value;
  }
}
