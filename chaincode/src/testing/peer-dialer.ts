import { randomBytes } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { common, msp, peer } from '@hyperledger/fabric-protos';
import { Timestamp } from 'google-protobuf/google/protobuf/timestamp_pb';
import { TEST_CLIENT_CERTIFICATE_PEM } from './test-client-certificate';

/**
 * Just enough of a peer's side of the chaincode protocol to test a chaincode server over the
 * wire: dial it, read its REGISTER, answer REGISTERED and READY, then send transactions and read
 * their COMPLETED responses. Read-only transactions only: it answers no state requests.
 */
export interface DialledChaincode {
  /** The chaincode id the server registered with. */
  readonly registeredAs: string;
  /** Runs one transaction (`contract:function`, arguments) at `timestamp` and returns the chaincode's response. */
  invoke(args: string[], timestamp?: { seconds: number; nanos: number }): Promise<{ status: number; message: string; payload: string }>;
  close(): void;
}

export async function dialChaincode(address: string): Promise<DialledChaincode> {
  const client = new peer.ChaincodeClient(address, grpc.credentials.createInsecure());
  const stream = client.connect();
  const pending = new Map<string, (message: peer.ChaincodeMessage) => void>();
  let registered: ((message: peer.ChaincodeMessage) => void) | undefined;
  const firstMessage = new Promise<peer.ChaincodeMessage>((resolve, reject) => {
    registered = resolve;
    stream.once('error', reject);
  });
  stream.on('data', (message: peer.ChaincodeMessage) => {
    if (registered) {
      registered(message);
      registered = undefined;
      return;
    }
    pending.get(message.getTxid())?.(message);
  });
  stream.on('error', () => undefined);

  const register = await firstMessage;
  if (register.getType() !== peer.ChaincodeMessage.Type.REGISTER) throw new Error(`expected REGISTER first, got type ${register.getType()}`);
  stream.write(newMessage(peer.ChaincodeMessage.Type.REGISTERED, ''));
  stream.write(newMessage(peer.ChaincodeMessage.Type.READY, ''));

  return {
    registeredAs: peer.ChaincodeID.deserializeBinary(register.getPayload_asU8()).getName(),
    invoke: (args, timestamp = { seconds: 1_767_225_600, nanos: 0 }) => {
      const txId = randomBytes(32).toString('hex');
      const completed = new Promise<peer.ChaincodeMessage>((resolve) => pending.set(txId, resolve));
      const input = new peer.ChaincodeInput();
      input.setArgsList(args.map((arg) => Buffer.from(arg, 'utf8')));
      const message = newMessage(peer.ChaincodeMessage.Type.TRANSACTION, txId);
      message.setPayload(input.serializeBinary());
      message.setProposal(signedProposal(txId, input, timestamp));
      stream.write(message);
      return completed.then((reply) => {
        const response = peer.Response.deserializeBinary(reply.getPayload_asU8());
        return { status: response.getStatus(), message: response.getMessage(), payload: Buffer.from(response.getPayload_asU8()).toString('utf8') };
      });
    },
    close: () => {
      stream.cancel();
      client.close();
    },
  };
}

function newMessage(type: peer.ChaincodeMessage.TypeMap[keyof peer.ChaincodeMessage.TypeMap], txId: string): peer.ChaincodeMessage {
  const message = new peer.ChaincodeMessage();
  message.setType(type);
  message.setTxid(txId);
  message.setChannelId('citytrust');
  return message;
}

/** An unsigned proposal: the shim reads its creator, channel header and timestamp, and checks no signature. */
function signedProposal(txId: string, input: peer.ChaincodeInput, timestamp: { seconds: number; nanos: number }): peer.SignedProposal {
  const protoTimestamp = new Timestamp();
  protoTimestamp.setSeconds(timestamp.seconds);
  protoTimestamp.setNanos(timestamp.nanos);
  const channelHeader = new common.ChannelHeader();
  channelHeader.setType(common.HeaderType.ENDORSER_TRANSACTION);
  channelHeader.setChannelId('citytrust');
  channelHeader.setTxId(txId);
  channelHeader.setTimestamp(protoTimestamp);
  const creator = new msp.SerializedIdentity();
  creator.setMspid('FinanceMSP');
  creator.setIdBytes(Buffer.from(TEST_CLIENT_CERTIFICATE_PEM, 'utf8'));
  const signatureHeader = new common.SignatureHeader();
  signatureHeader.setCreator(creator.serializeBinary());
  signatureHeader.setNonce(randomBytes(24));
  const header = new common.Header();
  header.setChannelHeader(channelHeader.serializeBinary());
  header.setSignatureHeader(signatureHeader.serializeBinary());
  const spec = new peer.ChaincodeSpec();
  spec.setInput(input);
  const invocation = new peer.ChaincodeInvocationSpec();
  invocation.setChaincodeSpec(spec);
  const payload = new peer.ChaincodeProposalPayload();
  payload.setInput(invocation.serializeBinary());
  const proposal = new peer.Proposal();
  proposal.setHeader(header.serializeBinary());
  proposal.setPayload(payload.serializeBinary());
  const signed = new peer.SignedProposal();
  signed.setProposalBytes(proposal.serializeBinary());
  return signed;
}
