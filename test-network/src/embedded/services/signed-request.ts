import type { ChannelMsps, VerifiedIdentity } from '../msp';

/**
 * The check Fabric applies to signed requests against a channel's Readers policy (CommitStatus,
 * ChaincodeEvents, Deliver): the identity is a member of a channel organisation and its signature
 * over the request verifies. Returns why not, or undefined when it passes.
 */
export function readerRefusal(msps: ChannelMsps, identity: Uint8Array, data: Uint8Array, signature: Uint8Array): string | undefined {
  let verified: VerifiedIdentity;
  try {
    verified = msps.deserialize(identity);
  } catch (error) {
    return `the requester is not a member of the channel: ${error instanceof Error ? error.message : String(error)}`;
  }
  return msps.verify(verified, data, signature) ? undefined : 'the request\'s signature does not verify against its identity';
}
