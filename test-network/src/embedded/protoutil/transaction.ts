import { common, peer } from '@hyperledger/fabric-protos';
import type { UnpackedProposal } from './proposal';

/**
 * The unsigned transaction envelope the client signs and submits (Fabric's gateway
 * `prepareTransaction` / `protoutil.CreateSignedTx`): the proposal's headers, its payload
 * without transient data, and the endorsed action.
 */
export function prepareTransaction(proposal: UnpackedProposal, action: peer.ChaincodeEndorsedAction): common.Envelope {
  const actionPayload = new peer.ChaincodeActionPayload();
  actionPayload.setChaincodeProposalPayload(proposal.strippedPayloadBytes);
  actionPayload.setAction(action);

  const transactionAction = new peer.TransactionAction();
  transactionAction.setHeader(proposal.signatureHeaderBytes);
  transactionAction.setPayload(actionPayload.serializeBinary());
  const transaction = new peer.Transaction();
  transaction.setActionsList([transactionAction]);

  const header = new common.Header();
  header.setChannelHeader(proposal.channelHeaderBytes);
  header.setSignatureHeader(proposal.signatureHeaderBytes);
  const payload = new common.Payload();
  payload.setHeader(header);
  payload.setData(transaction.serializeBinary());

  const envelope = new common.Envelope();
  envelope.setPayload(payload.serializeBinary());
  return envelope;
}

/** An endorser transaction envelope taken apart, for the committer and the event services. */
export interface UnpackedTransaction {
  readonly payloadBytes: Uint8Array;
  readonly signature: Uint8Array;
  readonly channelHeaderBytes: Uint8Array;
  readonly signatureHeaderBytes: Uint8Array;
  readonly channelHeader: common.ChannelHeader;
  readonly signatureHeader: common.SignatureHeader;
  /** Present for endorser transactions only. */
  readonly endorser?: {
    readonly strippedPayloadBytes: Uint8Array;
    readonly proposalResponsePayloadBytes: Uint8Array;
    readonly proposalResponsePayload: peer.ProposalResponsePayload;
    readonly chaincodeAction: peer.ChaincodeAction;
    readonly endorsements: readonly peer.Endorsement[];
  };
}

/** Throws on anything that does not parse; the committer turns that into BAD_PAYLOAD. */
export function unpackTransaction(envelopeBytes: Uint8Array): UnpackedTransaction {
  const envelope = common.Envelope.deserializeBinary(envelopeBytes);
  const payloadBytes = envelope.getPayload_asU8();
  const payload = common.Payload.deserializeBinary(payloadBytes);
  const header = payload.getHeader();
  if (!header) throw new Error('the payload has no header');
  const channelHeaderBytes = header.getChannelHeader_asU8();
  const signatureHeaderBytes = header.getSignatureHeader_asU8();
  const channelHeader = common.ChannelHeader.deserializeBinary(channelHeaderBytes);
  const signatureHeader = common.SignatureHeader.deserializeBinary(signatureHeaderBytes);
  const base = { payloadBytes, signature: envelope.getSignature_asU8(), channelHeaderBytes, signatureHeaderBytes, channelHeader, signatureHeader };
  if (channelHeader.getType() !== common.HeaderType.ENDORSER_TRANSACTION) return base;

  const transaction = peer.Transaction.deserializeBinary(payload.getData_asU8());
  const actions = transaction.getActionsList();
  if (actions.length !== 1) throw new Error(`an endorser transaction must carry exactly one action, not ${actions.length}`);
  const actionPayload = peer.ChaincodeActionPayload.deserializeBinary(actions[0]!.getPayload_asU8());
  const endorsedAction = actionPayload.getAction();
  if (!endorsedAction) throw new Error('the transaction action has no endorsed action');
  const proposalResponsePayloadBytes = endorsedAction.getProposalResponsePayload_asU8();
  const proposalResponsePayload = peer.ProposalResponsePayload.deserializeBinary(proposalResponsePayloadBytes);
  const chaincodeAction = peer.ChaincodeAction.deserializeBinary(proposalResponsePayload.getExtension_asU8());
  return {
    ...base,
    endorser: {
      strippedPayloadBytes: actionPayload.getChaincodeProposalPayload_asU8(),
      proposalResponsePayloadBytes,
      proposalResponsePayload,
      chaincodeAction,
      endorsements: endorsedAction.getEndorsementsList(),
    },
  };
}
