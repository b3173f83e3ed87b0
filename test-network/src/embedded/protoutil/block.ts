import { randomBytes } from 'node:crypto';
import { common } from '@hyperledger/fabric-protos';
import { Timestamp } from 'google-protobuf/google/protobuf/timestamp_pb';
import { blockDataHash, blockHeaderBytes, blockHeaderHash } from './block-hash';
import type { SigningIdentity } from './signing-identity';
import { computeTxId } from './proposal';

/** Fabric's metadata slots (`common.BlockMetadataIndex`); a block carries all five, as `protoutil.NewBlock` makes it. */
const metadataSlots = 5;

/**
 * A block as the orderer's block writer makes it: header (number, previous hash, data hash),
 * the envelopes, and the SIGNATURES and LAST_CONFIG metadata signed by the orderer
 * (`orderer/common/multichannel/blockwriter.go`). The TRANSACTIONS_FILTER is the committer's.
 */
export async function newSignedBlock(number: number, previousHash: Uint8Array, envelopes: readonly Uint8Array[], orderer: SigningIdentity, lastConfigIndex = 0): Promise<common.Block> {
  const header = new common.BlockHeader();
  header.setNumber(number);
  header.setPreviousHash(previousHash);
  header.setDataHash(blockDataHash(envelopes));
  const data = new common.BlockData();
  data.setDataList(envelopes as Uint8Array[]);
  const block = new common.Block();
  block.setHeader(header);
  block.setData(data);

  const lastConfig = new common.LastConfig();
  lastConfig.setIndex(lastConfigIndex);
  const ordererMetadata = new common.OrdererBlockMetadata();
  ordererMetadata.setLastConfig(lastConfig);
  const signatureValue = ordererMetadata.serializeBinary();
  const signatureHeader = newSignatureHeader(orderer).serializeBinary();
  const signature = new common.MetadataSignature();
  signature.setSignatureHeader(signatureHeader);
  signature.setSignature(await orderer.sign(Buffer.concat([signatureValue, signatureHeader, blockHeaderBytes({ number, previousHash, dataHash: header.getDataHash_asU8() })])));
  const signatures = new common.Metadata();
  signatures.setValue(signatureValue);
  signatures.setSignaturesList([signature]);
  const lastConfigMetadata = new common.Metadata();
  lastConfigMetadata.setValue(lastConfig.serializeBinary());

  const metadata = new common.BlockMetadata();
  const slots: Uint8Array[] = Array.from({ length: metadataSlots }, () => new Uint8Array(0));
  slots[common.BlockMetadataIndex.SIGNATURES] = signatures.serializeBinary();
  slots[common.BlockMetadataIndex.LAST_CONFIG] = lastConfigMetadata.serializeBinary();
  metadata.setMetadataList(slots);
  block.setMetadata(metadata);
  return block;
}

/** The header hash of a block, the link its successor's previous hash must equal. */
export function hashOfBlock(block: common.Block): Buffer {
  const header = block.getHeader();
  if (!header) throw new Error(`block has no header`);
  return blockHeaderHash({ number: header.getNumber(), previousHash: header.getPreviousHash_asU8(), dataHash: header.getDataHash_asU8() });
}

/** Sets the committer's validation codes, one byte per transaction (Fabric's `TxValidationFlags`). */
export function setTransactionsFilter(block: common.Block, codes: Uint8Array): void {
  setMetadata(block, common.BlockMetadataIndex.TRANSACTIONS_FILTER, codes);
}

/** Sets one of the block's metadata slots (`common.BlockMetadataIndex`). */
export function setMetadata(block: common.Block, index: number, value: Uint8Array): void {
  const metadata = block.getMetadata();
  if (!metadata) throw new Error('block has no metadata');
  const slots = metadata.getMetadataList_asU8();
  slots[index] = value;
  metadata.setMetadataList(slots);
}

export function transactionsFilter(block: common.Block): Uint8Array {
  return block.getMetadata()?.getMetadataList_asU8()[common.BlockMetadataIndex.TRANSACTIONS_FILTER] ?? new Uint8Array(0);
}

export function newSignatureHeader(signer: SigningIdentity): common.SignatureHeader {
  const header = new common.SignatureHeader();
  header.setCreator(signer.serialized);
  header.setNonce(randomBytes(24));
  return header;
}

/**
 * Block 0: the channel's configuration as `configtxgen -outputBlock` writes it, a CONFIG
 * envelope holding a `common.ConfigEnvelope`, signed by the orderer.
 */
export async function newGenesisBlock(channelId: string, config: common.Config, orderer: SigningIdentity, timestamp = new Date()): Promise<common.Block> {
  const configEnvelope = new common.ConfigEnvelope();
  configEnvelope.setConfig(config);

  const signatureHeader = newSignatureHeader(orderer);
  const channelHeader = new common.ChannelHeader();
  channelHeader.setType(common.HeaderType.CONFIG);
  channelHeader.setVersion(1);
  channelHeader.setChannelId(channelId);
  channelHeader.setEpoch(0);
  channelHeader.setTxId(computeTxId(signatureHeader.getNonce_asU8(), signatureHeader.getCreator_asU8()));
  channelHeader.setTimestamp(Timestamp.fromDate(timestamp));

  const header = new common.Header();
  header.setChannelHeader(channelHeader.serializeBinary());
  header.setSignatureHeader(signatureHeader.serializeBinary());
  const payload = new common.Payload();
  payload.setHeader(header);
  payload.setData(configEnvelope.serializeBinary());
  const payloadBytes = payload.serializeBinary();
  const envelope = new common.Envelope();
  envelope.setPayload(payloadBytes);
  envelope.setSignature(await orderer.sign(payloadBytes));

  const block = await newSignedBlock(0, new Uint8Array(0), [envelope.serializeBinary()], orderer, 0);
  setTransactionsFilter(block, new Uint8Array([0]));
  return block;
}
