import { common } from '@hyperledger/fabric-protos';
import { fromBase64, toBase64 } from '../bytes';
import type { ProofBundle } from '../proof-bundle';

/**
 * Forgeries of a proof bundle's parts, for tests that show each one fails exactly the check
 * that guards it. Each returns a changed copy; the original is left as it was.
 */

/** The bundle with `change` applied to a deep copy. */
export function tampered(bundle: ProofBundle, change: (copy: ProofBundle) => void): ProofBundle {
  const copy = structuredClone(bundle);
  change(copy);
  return copy;
}

/** The bundle whose block was decoded, changed by `change`, and re-encoded. */
export function withBlock(bundle: ProofBundle, change: (block: common.Block) => void): ProofBundle {
  return tampered(bundle, (copy) => {
    const block = common.Block.deserializeBinary(fromBase64(copy.block.bytes));
    change(block);
    copy.block.bytes = toBase64(block.serializeBinary());
  });
}

/** Smuggles a copy of the block's first envelope into its data, leaving the header (and so the signatures) alone. */
export function smuggleTransaction(block: common.Block): void {
  const data = block.getData()!;
  const envelopes = data.getDataList_asU8();
  data.setDataList([...envelopes, envelopes[0]!]);
}

/** Flips one bit of the first orderer signature in the SIGNATURES metadata. */
export function damageOrdererSignature(block: common.Block): void {
  const slots = block.getMetadata()!.getMetadataList_asU8();
  const metadata = common.Metadata.deserializeBinary(slots[common.BlockMetadataIndex.SIGNATURES]!);
  const signature = metadata.getSignaturesList()[0]!;
  const bytes = Uint8Array.from(signature.getSignature_asU8());
  bytes[bytes.length - 1]! ^= 0x01;
  signature.setSignature(bytes);
  slots[common.BlockMetadataIndex.SIGNATURES] = metadata.serializeBinary();
  block.getMetadata()!.setMetadataList(slots);
}

/** Sets the transaction's code in the TRANSACTIONS_FILTER, as a lying peer would. */
export function setValidationCode(index: number, code: number): (block: common.Block) => void {
  return (block) => {
    const slots = block.getMetadata()!.getMetadataList_asU8();
    const filter = Uint8Array.from(slots[common.BlockMetadataIndex.TRANSACTIONS_FILTER]!);
    filter[index] = code;
    slots[common.BlockMetadataIndex.TRANSACTIONS_FILTER] = filter;
    block.getMetadata()!.setMetadataList(slots);
  };
}

/** A base64 value with one bit of its last byte flipped. */
export function flipLastBit(base64: string): string {
  const bytes = fromBase64(base64);
  bytes[bytes.length - 1]! ^= 0x01;
  return toBase64(bytes);
}
