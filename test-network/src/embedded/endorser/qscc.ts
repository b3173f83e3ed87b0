import { common, peer } from '@hyperledger/fabric-protos';
import type { LedgerStore } from '../storage';

/** The system chaincode's name, as clients call it: `network.getContract('qscc')`. */
export const qsccName = 'qscc';

/**
 * Fabric's ledger query system chaincode (`core/scc/qscc/query.go`), answered by the ledger
 * itself: GetChainInfo, GetBlockByNumber, GetBlockByHash, GetBlockByTxID, GetTransactionByID.
 * Each returns the protobuf bytes Fabric returns, so tools written for Fabric read them.
 * Returns a 4xx/5xx response for what it cannot answer, as the peer does.
 */
export async function queryQscc(store: LedgerStore, channelId: string, args: readonly Uint8Array[]): Promise<peer.Response> {
  const [fn, channel, argument] = args.map((a) => Buffer.from(a).toString('utf8'));
  if (!fn) return failure(400, 'incorrect number of arguments: a function name is required');
  if (channel !== channelId) return failure(500, `failed to get chain info: channel '${channel ?? ''}' not found`);
  switch (fn) {
    case 'GetChainInfo':
      return success(await chainInfo(store));
    case 'GetBlockByNumber': {
      const number = Number(argument);
      if (!argument || !Number.isSafeInteger(number) || number < 0) return failure(400, `failed to parse block number '${argument ?? ''}'`);
      if (number >= store.height) return failure(500, `failed to get block number ${number}: the ledger's height is ${store.height}`);
      return success(await store.blockBytes(number));
    }
    case 'GetBlockByHash': {
      const wanted = Buffer.from(args[2] ?? new Uint8Array(0));
      const number = await store.blockNumberByHash(wanted);
      if (number === undefined) return failure(500, `no block with hash ${wanted.toString('hex')}`);
      return success(await store.blockBytes(number));
    }
    case 'GetBlockByTxID':
    case 'GetTransactionByID': {
      const record = argument ? await store.transaction(argument) : undefined;
      if (!record) return failure(500, `no such transaction ID [${argument ?? ''}] in index`);
      const bytes = await store.blockBytes(record.blockNum);
      if (fn === 'GetBlockByTxID') return success(bytes);
      const envelope = common.Block.deserializeBinary(bytes).getData()?.getDataList_asU8()[record.txNum];
      const processed = new peer.ProcessedTransaction();
      processed.setTransactionenvelope(common.Envelope.deserializeBinary(envelope ?? new Uint8Array(0)));
      processed.setValidationcode(record.validationCode);
      return success(processed.serializeBinary());
    }
    default:
      return failure(400, `requested function ${fn} not found in qscc (supported: GetChainInfo, GetBlockByNumber, GetBlockByHash, GetBlockByTxID, GetTransactionByID)`);
  }
}

async function chainInfo(store: LedgerStore): Promise<Uint8Array> {
  const info = new common.BlockchainInfo();
  info.setHeight(store.height);
  if (store.lastBlockHash) info.setCurrentblockhash(store.lastBlockHash);
  if (store.height > 0) {
    const last = await store.block(store.height - 1);
    info.setPreviousblockhash(last.getHeader()?.getPreviousHash_asU8() ?? new Uint8Array(0));
  }
  return info.serializeBinary();
}

function success(payload: Uint8Array): peer.Response {
  const response = new peer.Response();
  response.setStatus(200);
  response.setPayload(payload);
  return response;
}

function failure(status: number, message: string): peer.Response {
  const response = new peer.Response();
  response.setStatus(status);
  response.setMessage(message);
  return response;
}
