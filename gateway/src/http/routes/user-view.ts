import type { User } from '../../users/user';
import type { UserView } from '../schemas';

/** A user as the API shows them: no password hash, no key material. */
export function userView(user: User): UserView {
  return {
    id: user.id,
    username: user.username,
    role: user.role,
    ...(user.department ? { department: user.department } : {}),
    ...(user.subjectKey ? { subjectKey: user.subjectKey } : {}),
    ...(user.uscc ? { uscc: user.uscc } : {}),
    createdAt: user.createdAt.toISOString(),
    createdBy: user.createdBy,
    ...(user.disabledAt ? { disabledAt: user.disabledAt.toISOString() } : {}),
    ...(user.disabledBy ? { disabledBy: user.disabledBy } : {}),
    ...(user.enabledAt ? { enabledAt: user.enabledAt.toISOString() } : {}),
    ...(user.enabledBy ? { enabledBy: user.enabledBy } : {}),
  };
}
