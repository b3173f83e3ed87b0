import { status as grpcStatus, type sendUnaryData, type ServerUnaryCall, type ServerWritableStream, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { gateway, orderer } from '@hyperledger/fabric-protos';
import { ChannelUnavailableError, type Channel } from '../channel';
import { EndorserError, type Endorser } from '../endorser/endorser';
import type { ChannelMsps } from '../msp';
import { EnvelopeTooLargeError } from '../orderer/block-cutter';
import { chaincodeEventsOf } from '../protoutil/block-events';
import { grpcError } from './grpc-error';
import { readerRefusal, writerRefusal } from './signed-request';

export interface GatewayServiceContext {
  readonly channel: Channel;
  readonly endorser: Endorser;
  readonly msps: ChannelMsps;
  /** The address clients reach the ledger at, named in error details. */
  readonly address: string;
}

/**
 * Fabric's `gateway.Gateway` service (`internal/pkg/gateway/api.go`): Evaluate, Endorse, Submit,
 * CommitStatus and ChaincodeEvents, with the same status codes and error details.
 */
export function gatewayService(context: GatewayServiceContext): UntypedServiceImplementation {
  const { channel, endorser, msps, address } = context;

  const fail = <T>(callback: sendUnaryData<T>, error: unknown) => {
    if (error instanceof EndorserError) {
      callback(grpcError(error.code, error.message, error.details.map((d) => ({ ...d, address }))) as never, null);
    } else {
      callback(grpcError(grpcStatus.INTERNAL, `the embedded ledger failed: ${error instanceof Error ? error.message : String(error)}`) as never, null);
    }
  };

  return {
    evaluate(call: ServerUnaryCall<gateway.EvaluateRequest, gateway.EvaluateResponse>, callback: sendUnaryData<gateway.EvaluateResponse>) {
      const proposal = call.request.getProposedTransaction();
      if (!proposal) return callback(grpcError(grpcStatus.INVALID_ARGUMENT, 'an evaluate request is required') as never, null);
      endorser.evaluate(proposal, call.request.getTargetOrganizationsList()).then((result) => {
        const response = new gateway.EvaluateResponse();
        response.setResult(result);
        callback(null, response);
      }, (error: unknown) => fail(callback, error));
    },

    endorse(call: ServerUnaryCall<gateway.EndorseRequest, gateway.EndorseResponse>, callback: sendUnaryData<gateway.EndorseResponse>) {
      const proposal = call.request.getProposedTransaction();
      if (!proposal) return callback(grpcError(grpcStatus.INVALID_ARGUMENT, 'the proposed transaction must contain a signed proposal') as never, null);
      endorser.endorse(proposal, call.request.getEndorsingOrganizationsList()).then((envelope) => {
        const response = new gateway.EndorseResponse();
        response.setPreparedTransaction(envelope);
        callback(null, response);
      }, (error: unknown) => fail(callback, error));
    },

    submit(call: ServerUnaryCall<gateway.SubmitRequest, gateway.SubmitResponse>, callback: sendUnaryData<gateway.SubmitResponse>) {
      const envelope = call.request.getPreparedTransaction();
      if (!envelope) return callback(grpcError(grpcStatus.INVALID_ARGUMENT, 'a prepared transaction is required') as never, null);
      if (envelope.getSignature_asU8().length === 0) return callback(grpcError(grpcStatus.INVALID_ARGUMENT, 'prepared transaction must be signed') as never, null);
      const ordererRefusal = (code: grpcStatus, status: string, info: string) =>
        callback(grpcError(code, `received unsuccessful response from orderer: status=${status}, info=${info}`, [{ address, mspId: 'OrdererMSP', message: info }]) as never, null);
      writerRefusal(msps, envelope).then((forbidden) => {
        if (forbidden) return ordererRefusal(grpcStatus.ABORTED, 'FORBIDDEN', forbidden);
        try {
          channel.order(envelope.serializeBinary());
          callback(null, new gateway.SubmitResponse());
        } catch (error) {
          const info = error instanceof Error ? error.message : String(error);
          if (error instanceof EnvelopeTooLargeError) ordererRefusal(grpcStatus.ABORTED, 'BAD_REQUEST', info);
          else if (error instanceof ChannelUnavailableError) ordererRefusal(grpcStatus.UNAVAILABLE, 'SERVICE_UNAVAILABLE', info);
          else fail(callback, error);
        }
      }, (error: unknown) => fail(callback, error));
    },

    commitStatus(call: ServerUnaryCall<gateway.SignedCommitStatusRequest, gateway.CommitStatusResponse>, callback: sendUnaryData<gateway.CommitStatusResponse>) {
      const requestBytes = call.request.getRequest_asU8();
      if (requestBytes.length === 0) return callback(grpcError(grpcStatus.INVALID_ARGUMENT, 'a commit status request is required') as never, null);
      const request = gateway.CommitStatusRequest.deserializeBinary(requestBytes);
      const cancelled = new AbortController();
      call.on('cancelled', () => cancelled.abort());
      readerRefusal(msps, request.getIdentity_asU8(), requestBytes, call.request.getSignature_asU8()).then(async (refusal) => {
        if (refusal) return callback(grpcError(grpcStatus.PERMISSION_DENIED, refusal) as never, null);
        if (request.getChannelId() !== channel.channelId) return callback(grpcError(grpcStatus.NOT_FOUND, `channel ${request.getChannelId()} not found`) as never, null);
        const record = await channel.commitStatus(request.getTransactionId(), cancelled.signal);
        const response = new gateway.CommitStatusResponse();
        response.setResult(record.validationCode as never);
        response.setBlockNumber(record.blockNum);
        callback(null, response);
      }).catch((error: unknown) => {
        if (!cancelled.signal.aborted) fail(callback, error);
      });
    },

    chaincodeEvents(call: ServerWritableStream<gateway.SignedChaincodeEventsRequest, gateway.ChaincodeEventsResponse>) {
      streamChaincodeEvents(call, context).catch((error: unknown) => {
        endStream(call, grpcStatus.ABORTED, error instanceof Error ? error.message : String(error));
      });
    },
  };
}

async function streamChaincodeEvents(call: ServerWritableStream<gateway.SignedChaincodeEventsRequest, gateway.ChaincodeEventsResponse>, context: GatewayServiceContext): Promise<void> {
  const { channel, msps } = context;
  const requestBytes = call.request.getRequest_asU8();
  const refuse = (code: grpcStatus, message: string): void => endStream(call, code, message);
  if (requestBytes.length === 0) return refuse(grpcStatus.INVALID_ARGUMENT, 'a chaincode events request is required');
  const request = gateway.ChaincodeEventsRequest.deserializeBinary(requestBytes);
  const refusal = await readerRefusal(msps, request.getIdentity_asU8(), requestBytes, call.request.getSignature_asU8());
  if (refusal) return refuse(grpcStatus.PERMISSION_DENIED, refusal);
  if (request.getChannelId() !== channel.channelId) return refuse(grpcStatus.NOT_FOUND, `channel ${request.getChannelId()} not found`);

  const cancelled = new AbortController();
  call.on('cancelled', () => cancelled.abort());
  call.on('close', () => cancelled.abort());
  const chaincodeId = request.getChaincodeId();
  const afterTxId = request.getAfterTransactionId();
  let blockNum = await startBlock(request, channel);
  // As Fabric: after_transaction_id skips the events up to and including that transaction's.
  let passedAfterTx = afterTxId === '';
  while (!cancelled.signal.aborted) {
    try {
      await channel.blockAvailable(blockNum, cancelled.signal);
    } catch {
      return;
    }
    const block = await channel.store.block(blockNum);
    const events = chaincodeEventsOf(block).filter((event) => {
      if (!passedAfterTx) {
        if (event.getTxId() === afterTxId) passedAfterTx = true;
        return false;
      }
      return event.getChaincodeId() === chaincodeId;
    });
    if (events.length > 0) {
      const response = new gateway.ChaincodeEventsResponse();
      response.setEventsList(events);
      response.setBlockNumber(blockNum);
      if (!call.write(response)) await new Promise((resolve) => call.once('drain', resolve));
    }
    blockNum++;
  }
}

async function startBlock(request: gateway.ChaincodeEventsRequest, channel: Channel): Promise<number> {
  const afterTxId = request.getAfterTransactionId();
  if (afterTxId) {
    const record = await channel.store.transaction(afterTxId);
    if (record) return record.blockNum;
  }
  const position = request.getStartPosition();
  if (position?.getTypeCase() === orderer.SeekPosition.TypeCase.SPECIFIED) return position.getSpecified()?.getNumber() ?? 0;
  return channel.height;
}

/** Ends a server stream with a gRPC error status, as a returned error would end a unary call. */
function endStream(call: ServerWritableStream<unknown, unknown>, code: grpcStatus, message: string): void {
  call.emit('error', grpcError(code, message));
}
