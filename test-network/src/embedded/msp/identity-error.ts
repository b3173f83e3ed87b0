/**
 * Which check an identity failed, so that callers can map it to Fabric's answers (a proposal from
 * an `unknown-msp` creator is refused before simulation, an `expired` one could be renewed).
 */
export type IdentityCheck =
  | 'malformed'
  | 'unknown-msp'
  | 'unsupported-key'
  | 'ca-certificate'
  | 'untrusted-issuer'
  | 'not-yet-valid'
  | 'expired'
  | 'node-ou';

/** Thrown by {@link ChannelMsps.deserialize} when a serialized identity is not a valid channel member. */
export class IdentityError extends Error {
  constructor(
    readonly check: IdentityCheck,
    message: string,
    /** The MSP the identity claimed, once it could be read. */
    readonly mspId?: string,
  ) {
    super(message);
    this.name = 'IdentityError';
  }
}
