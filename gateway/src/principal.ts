import type { Role } from './roles';

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
  /** Where the identity was established: this gateway's users, or the unified identity platform. */
  readonly source: 'local' | 'oidc';
}
