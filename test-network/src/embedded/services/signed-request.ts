import { common } from '@hyperledger/fabric-protos';
import type { ChannelMsps, VerifiedIdentity } from '../msp';

/**
 * The check Fabric applies to signed requests against a channel's Readers policy (CommitStatus,
 * ChaincodeEvents, Deliver): the identity is a member of a channel organisation and its signature
 * over the request verifies. Returns why not, or undefined when it passes.
 */
export async function readerRefusal(msps: ChannelMsps, identity: Uint8Array, data: Uint8Array, signature: Uint8Array): Promise<string | undefined> {
  let verified: VerifiedIdentity;
  try {
    verified = msps.deserialize(identity);
  } catch (error) {
    return `the requester is not a member of the channel: ${error instanceof Error ? error.message : String(error)}`;
  }
  return (await msps.verify(verified, data, signature)) ? undefined : 'the request\'s signature does not verify against its identity';
}

/**
 * The orderer's check of a broadcast transaction against the channel's Writers policy
 * (`orderer/common/msgprocessor` SigFilter): the creator is a client or admin of a channel
 * organisation and signed the payload. Returns why not, or undefined when it passes.
 */
export async function writerRefusal(msps: ChannelMsps, envelope: common.Envelope): Promise<string | undefined> {
  let creator: Uint8Array;
  try {
    const header = common.Payload.deserializeBinary(envelope.getPayload_asU8()).getHeader();
    creator = common.SignatureHeader.deserializeBinary(header?.getSignatureHeader_asU8() ?? new Uint8Array(0)).getCreator_asU8();
  } catch {
    return 'the transaction envelope does not parse';
  }
  let identity: VerifiedIdentity;
  try {
    identity = msps.deserialize(creator);
  } catch (error) {
    return `implicit policy evaluation failed: the creator is not a member of the channel: ${error instanceof Error ? error.message : String(error)}`;
  }
  if (!identity.roles.has('client') && !identity.roles.has('admin')) return `the creator (${identity.mspId}) is neither a client nor an admin: the channel's Writers policy is not satisfied`;
  return (await msps.verify(identity, envelope.getPayload_asU8(), envelope.getSignature_asU8())) ? undefined : 'the transaction\'s signature does not verify against its creator';
}
