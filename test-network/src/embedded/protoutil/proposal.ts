import { createHash } from 'node:crypto';
import { common, peer } from '@hyperledger/fabric-protos';

/**
 * A signed proposal taken apart once, with everything the endorser and the gateway service ask
 * of it (Fabric's `protoutil.UnpackProposal`). Throws {@link MalformedProposalError} naming the
 * part that does not parse.
 */
export interface UnpackedProposal {
  readonly signedProposal: peer.SignedProposal;
  readonly proposal: peer.Proposal;
  readonly channelHeaderBytes: Uint8Array;
  readonly signatureHeaderBytes: Uint8Array;
  readonly channelHeader: common.ChannelHeader;
  readonly signatureHeader: common.SignatureHeader;
  readonly channelId: string;
  readonly txId: string;
  /** The chaincode named in the invocation spec: the state namespace it writes. */
  readonly chaincodeName: string;
  readonly input: peer.ChaincodeInput;
  /** The proposal payload without its transient map: what goes into the transaction. */
  readonly strippedPayloadBytes: Uint8Array;
  readonly hasTransientData: boolean;
  /** SHA-256 of channel header, signature header and the stripped payload (Fabric's proposal hash). */
  readonly proposalHash: Buffer;
}

export class MalformedProposalError extends Error {
  override readonly name = 'MalformedProposalError';
}

export function unpackProposal(signedProposal: peer.SignedProposal): UnpackedProposal {
  const proposalBytes = signedProposal.getProposalBytes_asU8();
  if (proposalBytes.length === 0) throw new MalformedProposalError('the proposed transaction must contain a signed proposal');
  const proposal = decode('proposal', () => peer.Proposal.deserializeBinary(proposalBytes));
  const header = decode('proposal header', () => common.Header.deserializeBinary(proposal.getHeader_asU8()));
  const channelHeaderBytes = header.getChannelHeader_asU8();
  const signatureHeaderBytes = header.getSignatureHeader_asU8();
  const channelHeader = decode('channel header', () => common.ChannelHeader.deserializeBinary(channelHeaderBytes));
  const signatureHeader = decode('signature header', () => common.SignatureHeader.deserializeBinary(signatureHeaderBytes));
  const payload = decode('chaincode proposal payload', () => peer.ChaincodeProposalPayload.deserializeBinary(proposal.getPayload_asU8()));
  const spec = decode('chaincode invocation spec', () => peer.ChaincodeInvocationSpec.deserializeBinary(payload.getInput_asU8()));
  const chaincodeSpec = spec.getChaincodeSpec();
  const input = chaincodeSpec?.getInput();
  const chaincodeName = chaincodeSpec?.getChaincodeId()?.getName() ?? '';
  if (!input || chaincodeName === '') throw new MalformedProposalError('the proposal names no chaincode or carries no input');

  const stripped = new peer.ChaincodeProposalPayload();
  stripped.setInput(payload.getInput_asU8());
  const strippedPayloadBytes = stripped.serializeBinary();
  const proposalHash = createHash('sha256').update(channelHeaderBytes).update(signatureHeaderBytes).update(strippedPayloadBytes).digest();

  return {
    signedProposal,
    proposal,
    channelHeaderBytes,
    signatureHeaderBytes,
    channelHeader,
    signatureHeader,
    channelId: channelHeader.getChannelId(),
    txId: channelHeader.getTxId(),
    chaincodeName,
    input,
    strippedPayloadBytes,
    hasTransientData: payload.getTransientmapMap().getLength() > 0,
    proposalHash,
  };
}

/** Fabric's transaction id rule: hex SHA-256 of the nonce followed by the creator's serialized identity. */
export function computeTxId(nonce: Uint8Array, creator: Uint8Array): string {
  return createHash('sha256').update(nonce).update(creator).digest('hex');
}

function decode<T>(what: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new MalformedProposalError(`the ${what} does not parse: ${error instanceof Error ? error.message : String(error)}`);
  }
}
