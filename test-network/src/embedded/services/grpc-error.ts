import { Metadata, status as grpcStatus, type ServiceError } from '@grpc/grpc-js';
import { gateway } from '@hyperledger/fabric-protos';
import { BinaryWriter } from 'google-protobuf';

/** One endorser's or orderer's part in a failure, as `gateway.ErrorDetail` carries it. */
export interface ErrorDetail {
  readonly address: string;
  readonly mspId: string;
  readonly message: string;
}

/**
 * A gRPC error the way Fabric's gateway sends it: the status code and message, and the
 * per-node details as a `google.rpc.Status` in the `grpc-status-details-bin` trailer, which
 * `@hyperledger/fabric-gateway` decodes into `EndorseError.details` and friends. google.rpc.Status
 * is not among the generated protos here, so it is encoded by hand (fields 1 code, 2 message,
 * 3 repeated google.protobuf.Any).
 */
export function grpcError(code: grpcStatus, message: string, details: readonly ErrorDetail[] = []): Partial<ServiceError> {
  const metadata = new Metadata();
  if (details.length > 0) metadata.set('grpc-status-details-bin', Buffer.from(encodeStatus(code, message, details)));
  return { code, details: message, message, metadata };
}

function encodeStatus(code: number, message: string, details: readonly ErrorDetail[]): Uint8Array {
  const writer = new BinaryWriter();
  writer.writeInt32(1, code);
  writer.writeString(2, message);
  for (const detail of details) {
    const errorDetail = new gateway.ErrorDetail();
    errorDetail.setAddress(detail.address);
    errorDetail.setMspId(detail.mspId);
    errorDetail.setMessage(detail.message);
    writer.writeMessage(3, errorDetail.serializeBinary(), (bytes: Uint8Array, w: BinaryWriter) => {
      w.writeString(1, 'type.googleapis.com/gateway.ErrorDetail');
      w.writeBytes(2, bytes);
    });
  }
  return writer.getResultBuffer();
}
