import { loginKeyPem } from './login-key';
import type { User } from './user';
import type { UserStore } from './user-store';

/**
 * Registers an enterprise's account: binds the SM2 login key of its legal representative or of an
 * agent it has authorized (checked at the counter, as a citizen's identity is) to the enterprise's
 * USCC. An enterprise may have several accounts, one per person acting for it, each with its own
 * key, so that one can be disabled without the others; each sees and acts for that USCC only.
 */
export async function registerEnterprise(
  users: UserStore,
  enterprise: { username: string; uscc: string; publicKey: string },
  registeredBy: string,
): Promise<User> {
  // The user store checks the USCC's check character, as it checks every value it stores.
  return users.create({ username: enterprise.username, role: 'enterprise', uscc: enterprise.uscc, loginPublicKey: loginKeyPem(enterprise.publicKey) }, registeredBy);
}
