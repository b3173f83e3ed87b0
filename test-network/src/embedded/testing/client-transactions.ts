import { createPrivateKey, randomBytes, type KeyObject } from 'node:crypto';
import { common, peer } from '@hyperledger/fabric-protos';
import { Timestamp } from 'google-protobuf/google/protobuf/timestamp_pb';
import { signLowS } from '../msp';
import { computeTxId } from '../protoutil/proposal';
import { serializedIdentity } from '../protoutil/signing-identity';

/**
 * A client application's side of a transaction, built as `@hyperledger/fabric-gateway` builds it
 * (`proposalbuilder.js`): for tests of the endorser, the committer and the channel that need real
 * signed proposals and signed envelopes without a gRPC round trip.
 */

/** Someone who signs proposals and transactions: a department's client user or admin, or anyone a test makes up. */
export interface TestSigner {
  readonly mspId: string;
  readonly serialized: Uint8Array;
  readonly privateKey: KeyObject;
}

export function testSigner(mspId: string, certificatePem: string, privateKeyPem: string | KeyObject): TestSigner {
  return {
    mspId,
    serialized: serializedIdentity(mspId, certificatePem),
    privateKey: typeof privateKeyPem === 'string' ? createPrivateKey(privateKeyPem) : privateKeyPem,
  };
}

export interface ProposalRequest {
  readonly channelId: string;
  readonly chaincodeName: string;
  /** Function name, then arguments. */
  readonly args: readonly string[];
  readonly transient?: Readonly<Record<string, string>>;
  /** Overrides the transaction id the client computes from nonce and creator (for tests of bad ids). */
  readonly txId?: string;
  readonly headerType?: common.HeaderTypeMap[keyof common.HeaderTypeMap];
}

export interface ClientProposal {
  readonly signedProposal: peer.SignedProposal;
  readonly txId: string;
}

/** A proposal signed by `signer`, with a fresh nonce and the transaction id SHA-256(nonce ‖ creator). */
export function newSignedProposal(signer: TestSigner, request: ProposalRequest): ClientProposal {
  const nonce = randomBytes(24);
  const txId = request.txId ?? computeTxId(nonce, signer.serialized);

  const chaincodeId = new peer.ChaincodeID();
  chaincodeId.setName(request.chaincodeName);
  const extension = new peer.ChaincodeHeaderExtension();
  extension.setChaincodeId(chaincodeId);
  const channelHeader = new common.ChannelHeader();
  channelHeader.setType(request.headerType ?? common.HeaderType.ENDORSER_TRANSACTION);
  channelHeader.setTxId(txId);
  channelHeader.setTimestamp(Timestamp.fromDate(new Date()));
  channelHeader.setChannelId(request.channelId);
  channelHeader.setExtension$(extension.serializeBinary());
  channelHeader.setEpoch(0);
  const signatureHeader = new common.SignatureHeader();
  signatureHeader.setCreator(signer.serialized);
  signatureHeader.setNonce(nonce);
  const header = new common.Header();
  header.setChannelHeader(channelHeader.serializeBinary());
  header.setSignatureHeader(signatureHeader.serializeBinary());

  const input = new peer.ChaincodeInput();
  input.setArgsList(request.args.map((arg) => Buffer.from(arg)));
  const spec = new peer.ChaincodeSpec();
  spec.setType(peer.ChaincodeSpec.Type.NODE);
  spec.setChaincodeId(chaincodeId);
  spec.setInput(input);
  const invocation = new peer.ChaincodeInvocationSpec();
  invocation.setChaincodeSpec(spec);
  const payload = new peer.ChaincodeProposalPayload();
  payload.setInput(invocation.serializeBinary());
  for (const [key, value] of Object.entries(request.transient ?? {})) payload.getTransientmapMap().set(key, Buffer.from(value));

  const proposal = new peer.Proposal();
  proposal.setHeader(header.serializeBinary());
  proposal.setPayload(payload.serializeBinary());
  const proposalBytes = proposal.serializeBinary();
  const signedProposal = new peer.SignedProposal();
  signedProposal.setProposalBytes(proposalBytes);
  signedProposal.setSignature(signLowS(signer.privateKey, proposalBytes));
  return { signedProposal, txId };
}

/** Signs the prepared transaction the endorser returned, as the client does before Submit; returns the envelope bytes. */
export function signTransaction(signer: TestSigner, envelope: common.Envelope): Uint8Array {
  const signed = common.Envelope.deserializeBinary(envelope.serializeBinary());
  signed.setSignature(signLowS(signer.privateKey, signed.getPayload_asU8()));
  return signed.serializeBinary();
}

/** Re-signs a payload a test has changed, so only the change under test makes the transaction invalid. */
export function signPayload(signer: TestSigner, payload: common.Payload): Uint8Array {
  const payloadBytes = payload.serializeBinary();
  const envelope = new common.Envelope();
  envelope.setPayload(payloadBytes);
  envelope.setSignature(signLowS(signer.privateKey, payloadBytes));
  return envelope.serializeBinary();
}
