import type { common } from '@hyperledger/fabric-protos';
import { blockDataHash, blockHeaderHash } from '../protoutil/block-hash';

/**
 * What is wrong with `block` as the next block of the chain, or undefined when it fits: its
 * number must be `expectedNumber`, its previous hash the header hash of the block before it, and
 * its data hash must match its transactions. Fabric's `blockfileMgr.addBlock` checks the first
 * two; checking the data hash too means a bit flipped inside a stored transaction is caught when
 * the block is read back on recovery, not served.
 */
export function chainLinkProblem(block: common.Block, expectedNumber: number, previousHash: Buffer | undefined): string | undefined {
  const header = block.getHeader();
  if (header === undefined) return 'has no header';
  if (header.getNumber() !== expectedNumber) return `is numbered ${header.getNumber()} where block ${expectedNumber} was expected`;
  if (previousHash !== undefined && !previousHash.equals(header.getPreviousHash_asU8())) {
    return (
      `has previous hash ${Buffer.from(header.getPreviousHash_asU8()).toString('hex')} but block ${expectedNumber - 1}'s ` +
      `header hash is ${previousHash.toString('hex')}`
    );
  }
  const dataHash = blockDataHash(block.getData()?.getDataList_asU8() ?? []);
  if (!dataHash.equals(header.getDataHash_asU8())) {
    return `has data hash ${Buffer.from(header.getDataHash_asU8()).toString('hex')} but its transactions hash to ${dataHash.toString('hex')}`;
  }
  return undefined;
}

/** `protoutil.BlockHeaderHash` of a block known to have a header. */
export function headerHashOf(block: common.Block): Buffer {
  const header = block.getHeader();
  if (header === undefined) throw new Error('a block without a header has no header hash');
  return blockHeaderHash({ number: header.getNumber(), previousHash: header.getPreviousHash_asU8(), dataHash: header.getDataHash_asU8() });
}
