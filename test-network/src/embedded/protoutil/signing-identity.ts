import { createPrivateKey, type KeyObject } from 'node:crypto';
import { msp } from '@hyperledger/fabric-protos';
import { signLowSAsync } from '@citytrust/network-config';

/**
 * An identity that signs for the embedded ledger: a department's peer (endorsements) or the
 * orderer (blocks). `serialized` is the `msp.SerializedIdentity` that verifiers deserialise.
 */
export interface SigningIdentity {
  readonly mspId: string;
  readonly serialized: Uint8Array;
  /** ECDSA P-256 over SHA-256, DER, low-S as Fabric's verifiers require; computed on the thread pool. */
  sign(message: Uint8Array): Promise<Buffer>;
}

export function newSigningIdentity(mspId: string, certificatePem: string, privateKeyPem: string): SigningIdentity {
  const key: KeyObject = createPrivateKey(privateKeyPem);
  return {
    mspId,
    serialized: serializedIdentity(mspId, certificatePem),
    sign: (message) => signLowSAsync(key, message),
  };
}

export function serializedIdentity(mspId: string, certificatePem: string): Uint8Array {
  const identity = new msp.SerializedIdentity();
  identity.setMspid(mspId);
  identity.setIdBytes(Buffer.from(certificatePem));
  return identity.serializeBinary();
}
