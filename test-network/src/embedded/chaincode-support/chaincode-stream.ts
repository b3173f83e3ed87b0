import type * as grpc from '@grpc/grpc-js';
import { peer, type ledger } from '@hyperledger/fabric-protos';
import type { ChaincodeConnection, ExecuteRequest, SimulationResult } from './chaincode-connection';
import { ChaincodeStreamClosedError, ChaincodeTimeoutError, reason } from './errors';
import { SHIM_REQUEST_TYPES, serveShimRequest } from './shim-requests';
import { TransactionContext } from './transaction-context';
import { TxSimulator } from './tx-simulator';

const Type = peer.ChaincodeMessage.Type;
const TYPE_NAMES = new Map<number, string>(Object.entries(Type).map(([name, value]) => [value, name]));

/** Fabric's `chaincode.executetimeout` default. */
export const DEFAULT_EXECUTE_TIMEOUT_MS = 30_000;

export type ChaincodeCall = grpc.ClientDuplexStream<peer.ChaincodeMessage, peer.ChaincodeMessage>;

/**
 * A registered chaincode's stream, in the READY state (Fabric's `Handler` after `sendReady`).
 * Transactions are told apart by (channel, tx id), as in Fabric's `TransactionContexts`; the
 * chaincode's state requests are served concurrently across transactions, and each one's answer
 * goes back as RESPONSE or ERROR.
 */
export class ChaincodeStream implements ChaincodeConnection {
  readonly closed: Promise<Error | undefined>;
  private resolveClosed!: (error: Error | undefined) => void;
  private ending: { error: Error | undefined } | undefined;
  private readonly contexts = new Map<string, TransactionContext>();
  private queryCount = 0;
  private readonly newQueryId = (): string => String(++this.queryCount);

  constructor(
    private readonly client: grpc.Client,
    private readonly call: ChaincodeCall,
    readonly chaincodeId: string,
    readonly address: string,
    private readonly log: (event: string, fields?: Record<string, unknown>) => void,
  ) {
    this.closed = new Promise((resolve) => {
      this.resolveClosed = resolve;
    });
    call.on('data', (message: peer.ChaincodeMessage) => this.receive(message));
    call.on('error', (error: Error) => this.end(this.closedError(`the stream failed: ${error.message}`, error)));
    call.on('end', () => this.end(this.closedError('the chaincode server ended the stream')));
    call.resume();
  }

  async execute(request: ExecuteRequest): Promise<SimulationResult> {
    if (this.ending) throw this.closedError(this.ending.error ? reason(this.ending.error) : 'the ledger closed it');
    const key = contextKey(request.channelId, request.txId);
    if (this.contexts.has(key)) {
      throw new Error(
        `transaction ${request.txId} is already executing on chaincode ${this.chaincodeId} in channel ${request.channelId}: a transaction id is simulated once at a time`,
      );
    }
    const context = new TransactionContext(new TxSimulator(request.state, request.namespace, request.txId));
    this.contexts.set(key, context);
    const timeoutMs = request.timeoutMs ?? DEFAULT_EXECUTE_TIMEOUT_MS;
    const timer = setTimeout(() => context.fail(new ChaincodeTimeoutError(request.txId, this.chaincodeId, timeoutMs)), timeoutMs);
    try {
      this.call.write(transactionMessage(request));
      const outcome = await context.outcome;
      return simulationResult(request, outcome, context.simulator.finish());
    } finally {
      clearTimeout(timer);
      this.contexts.delete(key);
      context.closeQueries();
    }
  }

  close(): void {
    this.end(undefined);
  }

  private receive(message: peer.ChaincodeMessage): void {
    const type = message.getType();
    if (type === Type.COMPLETED || type === Type.ERROR) {
      // An answer for a transaction that timed out finds no context, and is dropped as in Fabric.
      this.contexts.get(contextKey(message.getChannelId(), message.getTxid()))?.complete(message);
    } else if (SHIM_REQUEST_TYPES.has(type)) {
      void this.serve(message);
    } else if (type !== Type.KEEPALIVE) {
      this.end(this.closedError(`the chaincode sent ${TYPE_NAMES.get(type) ?? type}, which is not allowed once it is ready`));
    }
  }

  private async serve(request: peer.ChaincodeMessage): Promise<void> {
    const reply = new peer.ChaincodeMessage();
    reply.setTxid(request.getTxid());
    reply.setChannelId(request.getChannelId());
    try {
      const context = this.contexts.get(contextKey(request.getChannelId(), request.getTxid()));
      if (!context) throw new Error('no ledger context: the transaction is not executing (it completed, timed out or never started)');
      const payload = await serveShimRequest(request, context, this.newQueryId);
      reply.setType(Type.RESPONSE);
      if (payload) reply.setPayload(payload);
    } catch (err) {
      // Fabric's wording, which chaincode developers know from real peers.
      const failure = `${TYPE_NAMES.get(request.getType())} failed: transaction ID: ${request.getTxid()}: ${reason(err)}`;
      reply.setType(Type.ERROR);
      reply.setPayload(Buffer.from(failure));
    }
    if (!this.ending) this.call.write(reply);
  }

  private end(error: Error | undefined): void {
    if (this.ending) return;
    this.ending = { error };
    const failure = error ?? this.closedError('the ledger closed it');
    for (const context of this.contexts.values()) context.fail(failure);
    this.call.cancel();
    this.client.close();
    this.log(error ? 'chaincode stream lost' : 'chaincode stream closed', error ? { error: error.message } : {});
    this.resolveClosed(error);
  }

  private closedError(why: string, cause?: unknown): ChaincodeStreamClosedError {
    return new ChaincodeStreamClosedError(this.address, this.chaincodeId, why, cause);
  }
}

function contextKey(channelId: string, txId: string): string {
  return `${channelId}\u0000${txId}`;
}

/** Fabric's `ChaincodeSupport.execute`: the input as payload, the signed proposal alongside. */
function transactionMessage(request: ExecuteRequest): peer.ChaincodeMessage {
  const message = new peer.ChaincodeMessage();
  message.setType(Type.TRANSACTION);
  message.setPayload(request.input.serializeBinary());
  message.setTxid(request.txId);
  message.setChannelId(request.channelId);
  message.setProposal(request.signedProposal);
  return message;
}

/** Fabric's `processChaincodeExecutionResult`, with an ERROR answer kept as a status-500 response. */
function simulationResult(request: ExecuteRequest, outcome: peer.ChaincodeMessage, readWriteSet: ledger.rwset.TxReadWriteSet): SimulationResult {
  const event = outcome.getChaincodeEvent();
  if (event) {
    event.setChaincodeId(request.namespace);
    event.setTxId(request.txId);
  }
  const payload = outcome.getPayload_asU8();
  return { response: outcome.getType() === Type.COMPLETED ? completedResponse(payload) : errorResponse(utf8(payload)), event, readWriteSet };
}

function completedResponse(payload: Uint8Array): peer.Response {
  try {
    return peer.Response.deserializeBinary(payload);
  } catch (err) {
    return errorResponse(`failed to unmarshal the chaincode's response: ${reason(err)}`);
  }
}

function errorResponse(message: string): peer.Response {
  const response = new peer.Response();
  response.setStatus(500);
  response.setMessage(message);
  return response;
}

function utf8(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}
