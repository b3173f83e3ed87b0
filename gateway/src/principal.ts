import type { Role } from './roles';
import type { User } from './users/user';

/** Who is calling, once their token has been checked. */
export interface Principal {
  /** Stable user id (a UUID for local users, `oidc:<issuer>#<sub>` for the city's identity platform). */
  readonly id: string;
  readonly username: string;
  readonly role: Role;
  /** MSP id of the user's department, for department officers and admins. */
  readonly department?: string;
  /** A citizen's pseudonymous subject key (hex); never their identity number. */
  readonly subjectKey?: string;
  /** The Unified Social Credit Code of the enterprise an `enterprise` account acts for. */
  readonly uscc?: string;
  /** Where the identity was established: this gateway's users, or the unified identity platform. */
  readonly source: 'local' | 'oidc';
}

/** The principal of a local user whose token has been checked. */
export function localPrincipal(user: User): Principal {
  return {
    id: user.id,
    username: user.username,
    role: user.role,
    ...(user.department ? { department: user.department } : {}),
    ...(user.subjectKey ? { subjectKey: user.subjectKey } : {}),
    ...(user.uscc ? { uscc: user.uscc } : {}),
    source: 'local',
  };
}
