import { createHash } from 'node:crypto';
import { common } from '@hyperledger/fabric-protos';
import { BinaryWriter } from 'google-protobuf';
import { encodeVarint } from '../storage/varint';
import type { NamespaceWrites } from './block-validator';

/**
 * The chained commit hash a Fabric peer writes into each block's COMMIT_HASH metadata from block 1
 * on (`core/ledger/kvledger/kv_ledger.go` addBlockCommitHash): SHA-256 over varint(len(filter)),
 * the TRANSACTIONS_FILTER, the block's state updates in Fabric's deterministic encoding, and the
 * previous block's commit hash. Two peers with the same hash have applied the same state changes.
 */
export function commitHash(filter: Uint8Array, updates: BlockUpdates, previous: Uint8Array): Buffer {
  return createHash('sha256').update(encodeVarint(filter.length)).update(filter).update(updatesBytes(updates)).update(previous).digest();
}

/** The COMMIT_HASH slot's contents: `common.Metadata{value: hash}`. */
export function commitHashMetadata(hash: Uint8Array): Uint8Array {
  const metadata = new common.Metadata();
  metadata.setValue(hash);
  return metadata.serializeBinary();
}

export function commitHashOf(metadataBytes: Uint8Array | undefined): Uint8Array {
  return metadataBytes && metadataBytes.length > 0 ? common.Metadata.deserializeBinary(metadataBytes).getValue_asU8() : new Uint8Array(0);
}

/** A block's state updates: per namespace, per key, the last write of a valid transaction. */
export type BlockUpdates = Map<string, Map<string, { readonly value: Uint8Array | undefined; readonly txNum: number; readonly blockNum: number }>>;

export function blockUpdates(blockNum: number, valid: ReadonlyArray<{ readonly txNum: number; readonly writes: readonly NamespaceWrites[] }>): BlockUpdates {
  const updates: BlockUpdates = new Map();
  for (const { txNum, writes } of valid) {
    for (const { namespace, rwset } of writes) {
      let keys = updates.get(namespace);
      if (!keys) updates.set(namespace, (keys = new Map()));
      for (const write of rwset.getWritesList()) {
        keys.set(write.getKey(), { value: write.getIsDelete() ? undefined : write.getValue_asU8(), txNum, blockNum });
      }
    }
  }
  return updates;
}

/**
 * `txmgr.deterministicBytesForPubAndHashUpdates`: a `txmgr.Updates` protobuf whose KVWrites
 * (namespace 1, key 3, isDelete 4, value 5, version_bytes 6) come in namespace then key byte
 * order, the namespace named on the first write of each.
 */
function updatesBytes(updates: BlockUpdates): Uint8Array {
  const writer = new BinaryWriter();
  for (const namespace of sortedBytewise([...updates.keys()])) {
    if (namespace === '') continue;
    const keys = updates.get(namespace)!;
    sortedBytewise([...keys.keys()]).forEach((key, index) => {
      const update = keys.get(key)!;
      writer.writeMessage(1, update, (_: unknown, w: BinaryWriter) => {
        if (index === 0) w.writeString(1, namespace);
        w.writeBytes(3, Buffer.from(key, 'utf8'));
        if (update.value === undefined || update.value.length === 0) w.writeBool(4, true);
        else w.writeBytes(5, update.value);
        w.writeBytes(6, Buffer.concat([orderPreservingVarint(update.blockNum), orderPreservingVarint(update.txNum)]));
      });
    });
  }
  return writer.getResultBuffer();
}

/** `util.EncodeOrderPreservingVarUint64`: a length byte, then the number big-endian without leading zeros. */
function orderPreservingVarint(value: number): Buffer {
  let hex = value === 0 ? '' : value.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  const bytes = Buffer.from(hex, 'hex');
  return Buffer.concat([Buffer.from([bytes.length]), bytes]);
}

function sortedBytewise(values: string[]): string[] {
  return values.sort((a, b) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
}
