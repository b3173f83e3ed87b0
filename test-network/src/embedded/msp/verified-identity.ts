import type { KeyObject, X509Certificate } from 'node:crypto';

/**
 * What an identity may do in its MSP, as Fabric's `msp.MSPRole` names it. Every valid identity is a
 * `member`; with NodeOUs the subject's OU adds exactly one of `client`, `peer`, `admin` or
 * `orderer`.
 */
export type MspRole = 'member' | 'client' | 'peer' | 'admin' | 'orderer';

/**
 * An identity that passed every check of its channel MSP (known MSP, certificate chained to the
 * MSP's root CA, within validity, one NodeOU role): what policies are evaluated over. Obtain one
 * from {@link ChannelMsps.deserialize}; never build one by hand outside tests of policies.
 */
export interface VerifiedIdentity {
  readonly mspId: string;
  /**
   * Fabric's `IdentityIdentifier.Id`: hex SHA-256 of the certificate's DER. With `mspId` it names
   * the identity, e.g. to count each signer once in a signature set.
   */
  readonly id: string;
  readonly certificate: X509Certificate;
  /** The certificate's public key, imported once so that verifying a signature parses nothing. */
  readonly publicKey: KeyObject;
  readonly roles: ReadonlySet<MspRole>;
  /** The `msp.SerializedIdentity` bytes it was deserialised from (a private copy). */
  readonly serialized: Uint8Array;
}
