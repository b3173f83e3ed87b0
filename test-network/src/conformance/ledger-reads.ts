import type { Contract, Network } from '@hyperledger/fabric-gateway';
import { common, msp, peer } from '@hyperledger/fabric-protos';

/**
 * Reading the ledger the way Fabric clients do: qscc queries through Evaluate, and blocks
 * through Deliver. Decoding is `@hyperledger/fabric-protos` alone.
 */

export async function chainInfo(qscc: Contract, channel: string): Promise<common.BlockchainInfo> {
  return common.BlockchainInfo.deserializeBinary(await qscc.evaluateTransaction('GetChainInfo', channel));
}

/** The block's bytes exactly as qscc GetBlockByNumber returns them. */
export async function blockBytesByNumber(qscc: Contract, channel: string, number: number): Promise<Uint8Array> {
  return qscc.evaluateTransaction('GetBlockByNumber', channel, String(number));
}

export async function processedTransaction(qscc: Contract, channel: string, txId: string): Promise<peer.ProcessedTransaction> {
  return peer.ProcessedTransaction.deserializeBinary(await qscc.evaluateTransaction('GetTransactionByID', channel, txId));
}

/** Blocks `startBlock` … `startBlock + count − 1`, in order, from a Deliver stream. */
export async function deliveredBlocks(network: Network, startBlock: number, count: number): Promise<common.Block[]> {
  const blocks: common.Block[] = [];
  if (count <= 0) return blocks;
  const events = await network.getBlockEvents({ startBlock: BigInt(startBlock) });
  try {
    for await (const block of events) {
      blocks.push(block);
      if (blocks.length === count) break;
    }
  } finally {
    events.close();
  }
  return blocks;
}

/** Every block of the channel, from a Deliver stream starting at block 0 up to the current height. */
export async function allBlocks(network: Network, qscc: Contract, channel: string): Promise<common.Block[]> {
  const height = (await chainInfo(qscc, channel)).getHeight();
  return deliveredBlocks(network, 0, height);
}

export function channelHeaderOf(envelopeBytes: Uint8Array): common.ChannelHeader {
  const payload = common.Payload.deserializeBinary(common.Envelope.deserializeBinary(envelopeBytes).getPayload_asU8());
  return common.ChannelHeader.deserializeBinary(payload.getHeader()?.getChannelHeader_asU8() ?? new Uint8Array(0));
}

/** Where a transaction id occurs in a block, with the validation code the block records for it. */
export interface TransactionOccurrence {
  readonly blockNumber: number;
  readonly txNum: number;
  readonly validationCode: number;
}

export function occurrencesIn(block: common.Block, txId: string): TransactionOccurrence[] {
  const filter = transactionsFilter(block);
  const blockNumber = block.getHeader()?.getNumber() ?? -1;
  return (block.getData()?.getDataList_asU8() ?? []).flatMap((envelope, txNum) =>
    channelHeaderOf(envelope).getTxId() === txId ? [{ blockNumber, txNum, validationCode: filter[txNum] ?? -1 }] : []);
}

/** The block's TRANSACTIONS_FILTER metadata: one validation code per transaction. */
export function transactionsFilter(block: common.Block): Uint8Array {
  return block.getMetadata()?.getMetadataList_asU8()[common.BlockMetadataIndex.TRANSACTIONS_FILTER] ?? new Uint8Array(0);
}

/** The MSP ids of a committed endorser transaction's endorsers. */
export function endorsingMspIds(envelope: common.Envelope): string[] {
  const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
  const transaction = peer.Transaction.deserializeBinary(payload.getData_asU8());
  return transaction.getActionsList().flatMap((action) => {
    const actionPayload = peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8());
    return (actionPayload.getAction()?.getEndorsementsList() ?? [])
      .map((endorsement) => msp.SerializedIdentity.deserializeBinary(endorsement.getEndorser_asU8()).getMspid());
  });
}

/**
 * Follows Deliver from `fromBlock` until `count` occurrences of `txId` have been committed:
 * how a client finds a second copy of a transaction, which no index points to.
 */
export async function findOccurrences(network: Network, fromBlock: bigint, txId: string, count: number): Promise<TransactionOccurrence[]> {
  const found: TransactionOccurrence[] = [];
  const events = await network.getBlockEvents({ startBlock: fromBlock });
  try {
    for await (const block of events) {
      found.push(...occurrencesIn(block, txId));
      if (found.length >= count) break;
    }
  } finally {
    events.close();
  }
  return found;
}

export function text(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('utf8');
}

/** Fabric's name for a validation code (`peer.TxValidationCode`), e.g. 11 → MVCC_READ_CONFLICT. */
export function validationCodeName(code: number): string {
  const entry = Object.entries(peer.TxValidationCode).find(([, value]) => value === code);
  return entry ? entry[0] : `unknown validation code ${code}`;
}
