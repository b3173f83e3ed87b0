import { peer } from '@hyperledger/fabric-protos';
import { TOTAL_QUERY_LIMIT, historyCursor, newQueryResponse, nextQueryResponse, rangeCursor } from './query-response';
import type { TransactionContext } from './transaction-context';

const Type = peer.ChaincodeMessage.Type;

/**
 * What the embedded ledger refuses, and why. The chaincode sees the message as the error of the
 * stub call (`getQueryResult`, `putPrivateData`, ...).
 */
const UNSUPPORTED = {
  richQuery:
    'rich queries (GetQueryResult) need CouchDB as the state database; the embedded ledger keeps state as Fabric does with LevelDB, which supports key and range queries only: use getState, getStateByRange or getStateByPartialCompositeKey',
  privateData: (collection: string) =>
    `private data (collection "${collection}") is not supported by the embedded ledger: keep the data in the channel's public state, or run the chaincode on native Fabric`,
  keyLevelEndorsement:
    'key-level endorsement policies (PutStateMetadata, setStateValidationParameter) are not supported by the embedded ledger: the chaincode definition\'s endorsement policy applies to every key',
  chaincodeToChaincode:
    'chaincode-to-chaincode invocation (InvokeChaincode) is not supported by the embedded ledger: call the other chaincode from the client application',
  notNegotiated: (type: string) =>
    `${type} was not enabled for this chaincode (the peer's READY message turned write batches and multi-key reads off): send one PUT_STATE, DEL_STATE or GET_STATE per key`,
};

/** Hands out iterator ids; unique per connection, which is more than Fabric's per-transaction need. */
export type QueryIdSource = () => string;

/**
 * Serves one request of the chaincode for a transaction under way, as Fabric's handler does
 * (`Handler.HandleGetState`, ...), and returns the RESPONSE payload. A thrown error becomes the
 * ERROR message the stub call rejects with.
 */
export async function serveShimRequest(
  message: peer.ChaincodeMessage,
  context: TransactionContext,
  newQueryId: QueryIdSource,
): Promise<Uint8Array | undefined> {
  const payload = message.getPayload_asU8();
  const { simulator } = context;
  switch (message.getType()) {
    case Type.GET_STATE: {
      const request = peer.GetState.deserializeBinary(payload);
      refusePrivateData(request.getCollection());
      return simulator.getState(request.getKey());
    }
    case Type.PUT_STATE: {
      const request = peer.PutState.deserializeBinary(payload);
      refusePrivateData(request.getCollection());
      simulator.setState(request.getKey(), request.getValue_asU8());
      return undefined;
    }
    case Type.DEL_STATE: {
      const request = peer.DelState.deserializeBinary(payload);
      refusePrivateData(request.getCollection());
      simulator.deleteState(request.getKey());
      return undefined;
    }
    case Type.GET_STATE_METADATA: {
      const request = peer.GetStateMetadata.deserializeBinary(payload);
      refusePrivateData(request.getCollection());
      // Fabric reads the key to get its metadata, so the read is recorded; no key has metadata
      // here because key-level endorsement policies cannot be set.
      await simulator.getState(request.getKey());
      return new peer.StateMetadataResult().serializeBinary();
    }
    case Type.GET_STATE_BY_RANGE:
      return (await getStateByRange(peer.GetStateByRange.deserializeBinary(payload), context, newQueryId())).serializeBinary();
    case Type.QUERY_STATE_NEXT: {
      const id = peer.QueryStateNext.deserializeBinary(payload).getId();
      const query = context.query(id);
      if (!query) throw new Error(`query iterator ${id} not found: it ended or was closed`);
      return (await nextQueryResponse(context, query, { paginated: false, totalReturnLimit: TOTAL_QUERY_LIMIT })).serializeBinary();
    }
    case Type.QUERY_STATE_CLOSE: {
      const id = peer.QueryStateClose.deserializeBinary(payload).getId();
      context.closeQuery(id);
      return newQueryResponse(id, [], false).serializeBinary();
    }
    case Type.GET_HISTORY_FOR_KEY: {
      const key = peer.GetHistoryForKey.deserializeBinary(payload).getKey();
      const query = context.openQuery(newQueryId(), historyCursor(simulator.history(key)));
      return (await nextQueryResponse(context, query, { paginated: false, totalReturnLimit: TOTAL_QUERY_LIMIT })).serializeBinary();
    }
    case Type.GET_QUERY_RESULT:
      throw new Error(UNSUPPORTED.richQuery);
    case Type.PUT_STATE_METADATA:
      throw new Error(UNSUPPORTED.keyLevelEndorsement);
    case Type.INVOKE_CHAINCODE:
      throw new Error(UNSUPPORTED.chaincodeToChaincode);
    case Type.GET_PRIVATE_DATA_HASH:
      throw new Error(UNSUPPORTED.privateData(peer.GetState.deserializeBinary(payload).getCollection()));
    case Type.PURGE_PRIVATE_DATA:
      throw new Error(UNSUPPORTED.privateData(peer.DelState.deserializeBinary(payload).getCollection()));
    case Type.WRITE_BATCH_STATE:
      throw new Error(UNSUPPORTED.notNegotiated('WRITE_BATCH_STATE'));
    case Type.GET_STATE_MULTIPLE:
      throw new Error(UNSUPPORTED.notNegotiated('GET_STATE_MULTIPLE'));
    default:
      throw new Error(`message type ${message.getType()} is not a chaincode request`);
  }
}

/** The message types {@link serveShimRequest} answers (with a RESPONSE or an ERROR). */
export const SHIM_REQUEST_TYPES: ReadonlySet<number> = new Set([
  Type.GET_STATE,
  Type.PUT_STATE,
  Type.DEL_STATE,
  Type.GET_STATE_METADATA,
  Type.GET_STATE_BY_RANGE,
  Type.QUERY_STATE_NEXT,
  Type.QUERY_STATE_CLOSE,
  Type.GET_HISTORY_FOR_KEY,
  Type.GET_QUERY_RESULT,
  Type.PUT_STATE_METADATA,
  Type.INVOKE_CHAINCODE,
  Type.GET_PRIVATE_DATA_HASH,
  Type.PURGE_PRIVATE_DATA,
  Type.WRITE_BATCH_STATE,
  Type.GET_STATE_MULTIPLE,
]);

/**
 * A range query, with Fabric's pagination rules: a query is paginated when its metadata has a
 * page size or a bookmark; a bookmark replaces the start key; the page size (when smaller than
 * the total query limit) bounds the results.
 */
async function getStateByRange(request: peer.GetStateByRange, context: TransactionContext, id: string): Promise<peer.QueryResponse> {
  refusePrivateData(request.getCollection());
  const metadataBytes = request.getMetadata_asU8();
  const metadata = metadataBytes.length > 0 ? peer.QueryMetadata.deserializeBinary(metadataBytes) : undefined;
  const pageSize = metadata?.getPagesize() ?? 0;
  const bookmark = metadata?.getBookmark() ?? '';
  const paginated = pageSize !== 0 || bookmark !== '';
  const startKey = bookmark !== '' ? bookmark : request.getStartkey();

  const scan = context.simulator.openRange(startKey, request.getEndkey(), { paginated, pageSize });
  const query = context.openQuery(id, rangeCursor(scan, context.simulator.namespace));
  const totalReturnLimit = pageSize > 0 && pageSize < TOTAL_QUERY_LIMIT ? pageSize : TOTAL_QUERY_LIMIT;
  return nextQueryResponse(context, query, { paginated, totalReturnLimit });
}

function refusePrivateData(collection: string): void {
  if (collection !== '') throw new Error(UNSUPPORTED.privateData(collection));
}
