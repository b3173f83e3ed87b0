import * as grpc from '@grpc/grpc-js';
import { peer } from '@hyperledger/fabric-protos';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ChaincodeConnection, ChaincodeServerOptions } from './chaincode-connection';
import { ChaincodeStream, type ChaincodeCall } from './chaincode-stream';
import { ChaincodeUnreachableError, reason } from './errors';

const Type = peer.ChaincodeMessage.Type;

/** Long enough for a chaincode server started alongside the ledger. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 30_000;
const FIRST_RETRY_DELAY_MS = 50;
const MAX_RETRY_DELAY_MS = 1_000;
/** Fabric's gRPC default for chaincode streams (`comm.DefaultMaxRecvMsgSize` / `DefaultMaxSendMsgSize`). */
const MAX_MESSAGE_BYTES = 100 * 1024 * 1024;

/**
 * Dials a chaincode server and registers it, as a Fabric peer does for chaincode-as-a-service:
 * open `protos.Chaincode/Connect`, receive REGISTER (the chaincode id), answer REGISTERED then
 * READY. A server that is not up yet is dialled again with growing back-off until
 * `connectTimeoutMs`, so the ledger and the chaincode can start in either order.
 *
 * @throws ChaincodeUnreachableError naming the address when the server never registers.
 *
 * @example
 * const chaincode = await connectChaincodeServer({ address: 'localhost:9999' });
 * const { response, readWriteSet } = await chaincode.execute({ channelId, txId, namespace: 'citytrust', signedProposal, input, state });
 */
export async function connectChaincodeServer(options: ChaincodeServerOptions): Promise<ChaincodeConnection> {
  const { address } = options;
  const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const log = connectionLog(options);
  const deadline = Date.now() + connectTimeoutMs;
  const client = new peer.ChaincodeClient(address, channelCredentials(options.tls), channelOptions(options.tls));
  let retryDelayMs = FIRST_RETRY_DELAY_MS;
  for (let attempt = 1; ; attempt++) {
    const call: ChaincodeCall = client.connect();
    // The call may fail after this function has let go of it; an unheard 'error' would crash the process.
    call.on('error', () => undefined);
    try {
      const chaincodeId = await awaitRegister(call, deadline);
      call.write(controlMessage(Type.REGISTERED));
      // The payload is `ChaincodeAdditionalParams` with write batches and multi-key reads off:
      // all-default fields encode to nothing, so the shim serves one key per request.
      call.write(controlMessage(Type.READY));
      log('chaincode registered', { address, chaincodeId, attempts: attempt });
      return new ChaincodeStream(client, call, chaincodeId, address, (event, fields) => log(event, { address, chaincodeId, ...fields }));
    } catch (err) {
      call.cancel();
      const remainingMs = deadline - Date.now();
      if (!isRetryable(err) || remainingMs <= 0) {
        client.close();
        throw new ChaincodeUnreachableError(address, connectTimeoutMs, attempt, err);
      }
      if (attempt === 1) log('chaincode server not reachable yet, retrying', { address, error: reason(err) });
      await sleep(Math.min(retryDelayMs, remainingMs));
      retryDelayMs = Math.min(retryDelayMs * 2, MAX_RETRY_DELAY_MS);
    }
  }
}

/** The server ended the stream before registering: it may be restarting. */
class EndedBeforeRegisterError extends Error {}

function isRetryable(err: unknown): boolean {
  return err instanceof EndedBeforeRegisterError || (err as Partial<grpc.ServiceError>).code === grpc.status.UNAVAILABLE;
}

/** The chaincode speaks first: REGISTER with its id. The stream is paused until a handler takes it over. */
function awaitRegister(call: ChaincodeCall, deadline: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const settle = (error: Error | undefined, chaincodeId?: string): void => {
      clearTimeout(timer);
      call.off('data', onData).off('error', onError).off('end', onEnd);
      if (error) reject(error);
      else resolve(chaincodeId!);
    };
    const onData = (message: peer.ChaincodeMessage): void => {
      call.pause();
      if (message.getType() !== Type.REGISTER) {
        settle(new Error(`the chaincode sent message type ${message.getType()} before REGISTER; is the server a Fabric chaincode server?`));
        return;
      }
      const chaincodeId = peer.ChaincodeID.deserializeBinary(message.getPayload_asU8()).getName();
      if (chaincodeId === '') settle(new Error('the chaincode registered with an empty chaincode id: set CHAINCODE_ID on the server'));
      else settle(undefined, chaincodeId);
    };
    const onError = (error: Error): void => settle(error);
    const onEnd = (): void => settle(new EndedBeforeRegisterError('the server ended the stream before registering'));
    const timer = setTimeout(() => settle(new Error('the server accepted the stream but sent no REGISTER')), Math.max(0, deadline - Date.now()));
    call.on('data', onData).on('error', onError).on('end', onEnd);
  });
}

function controlMessage(type: peer.ChaincodeMessage.TypeMap[keyof peer.ChaincodeMessage.TypeMap]): peer.ChaincodeMessage {
  const message = new peer.ChaincodeMessage();
  message.setType(type);
  return message;
}

function channelCredentials(tls: ChaincodeServerOptions['tls']): grpc.ChannelCredentials {
  if (!tls) return grpc.credentials.createInsecure();
  if ((tls.clientCertPem === undefined) !== (tls.clientKeyPem === undefined)) {
    throw new Error('chaincode server TLS: give both the client certificate and its key for mutual TLS, or neither');
  }
  return grpc.credentials.createSsl(
    Buffer.from(tls.rootCertPem),
    tls.clientKeyPem === undefined ? null : Buffer.from(tls.clientKeyPem),
    tls.clientCertPem === undefined ? null : Buffer.from(tls.clientCertPem),
  );
}

function channelOptions(tls: ChaincodeServerOptions['tls']): grpc.ChannelOptions {
  return {
    'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
    'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
    // gRPC's own reconnection must not outwait our dial loop (its default first back-off is 1 s).
    'grpc.initial_reconnect_backoff_ms': FIRST_RETRY_DELAY_MS,
    'grpc.max_reconnect_backoff_ms': MAX_RETRY_DELAY_MS,
    ...(tls?.serverNameOverride ? { 'grpc.ssl_target_name_override': tls.serverNameOverride, 'grpc.default_authority': tls.serverNameOverride } : {}),
  };
}

function connectionLog({ log }: ChaincodeServerOptions): (event: string, fields?: Record<string, unknown>) => void {
  if (!log) return () => undefined;
  return (event, fields) => log(JSON.stringify({ time: new Date().toISOString(), component: 'chaincode-support', event, ...fields }));
}
