import { Metadata, status as grpcStatus, type ServiceError } from '@grpc/grpc-js';
import { gateway, google } from '@hyperledger/fabric-protos';
import { Any } from 'google-protobuf/google/protobuf/any_pb';

/** One endorser's or orderer's part in a failure, as `gateway.ErrorDetail` carries it. */
export interface ErrorDetail {
  readonly address: string;
  readonly mspId: string;
  readonly message: string;
}

/**
 * A gRPC error the way Fabric's gateway sends it (`newRpcError`): the status code and message,
 * and the per-node details as a `google.rpc.Status` whose details are `gateway.ErrorDetail`s in
 * the `grpc-status-details-bin` trailer, which `@hyperledger/fabric-gateway` decodes into
 * `EndorseError.details` and friends. Without details there is no trailer, as in Fabric.
 */
export function grpcError(code: grpcStatus, message: string, details: readonly ErrorDetail[] = []): Partial<ServiceError> {
  const metadata = new Metadata();
  if (details.length > 0) metadata.set('grpc-status-details-bin', Buffer.from(encodeStatus(code, message, details)));
  return { code, details: message, message, metadata };
}

function encodeStatus(code: number, message: string, details: readonly ErrorDetail[]): Uint8Array {
  const status = new google.rpc.Status();
  status.setCode(code);
  status.setMessage(message);
  status.setDetailsList(details.map((detail) => {
    const errorDetail = new gateway.ErrorDetail();
    errorDetail.setAddress(detail.address);
    errorDetail.setMspId(detail.mspId);
    errorDetail.setMessage(detail.message);
    const any = new Any();
    any.pack(errorDetail.serializeBinary(), 'gateway.ErrorDetail');
    return any;
  }));
  return status.serializeBinary();
}
