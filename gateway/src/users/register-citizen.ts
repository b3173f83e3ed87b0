import { InvalidRequestError } from '../errors';
import { InvalidIdentityNumberError, type SubjectKeyDeriver } from '../subjects/subject-key';
import { loginKeyPem } from './login-key';
import type { User } from './user';
import type { UserStore } from './user-store';

/**
 * Registers a citizen: binds their SM2 login key to their pseudonymous subject key. The identity
 * number is used once, to derive that key, and is never stored, logged or returned.
 */
export async function registerCitizen(
  users: UserStore,
  subjectKeys: SubjectKeyDeriver,
  citizen: { username: string; identityNumber: string; publicKey: string },
  registeredBy: string,
): Promise<User> {
  let subjectKey: string;
  try {
    subjectKey = subjectKeys.derive(citizen.identityNumber);
  } catch (error) {
    if (error instanceof InvalidIdentityNumberError) throw new InvalidRequestError(error.message, 'identityNumber');
    throw error;
  }
  return users.create({ username: citizen.username, role: 'citizen', subjectKey, loginPublicKey: loginKeyPem(citizen.publicKey) }, registeredBy);
}
