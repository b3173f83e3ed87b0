import { importSm2PublicKey, Sm2KeyError } from '@citytrust/shared';
import { InvalidRequestError } from '../errors';

/**
 * A subject user's SM2 login key as the gateway stores it (SubjectPublicKeyInfo PEM, re-encoded),
 * or a 400 naming `publicKey`: a key that cannot verify would register an account nobody can use.
 */
export function loginKeyPem(publicKey: string): string {
  try {
    return importSm2PublicKey(publicKey).toPem();
  } catch (error) {
    if (error instanceof Sm2KeyError) throw new InvalidRequestError(`the public key is not an SM2 SubjectPublicKeyInfo PEM: ${error.message}`, 'publicKey');
    throw error;
  }
}
