import type { Role } from '../roles';

/** A gateway user as stored; secrets (password hash) stay inside the user store. */
export interface User {
  readonly id: string;
  readonly username: string;
  readonly role: Role;
  readonly department?: string;
  readonly subjectKey?: string;
  /** SubjectPublicKeyInfo PEM of a citizen's SM2 login key. */
  readonly citizenPublicKey?: string;
  readonly createdAt: Date;
  readonly createdBy: string;
  /** Set while the user is disabled: when, and by whom (an admin's username or the CLI command). */
  readonly disabledAt?: Date;
  readonly disabledBy?: string;
  /** When the user was last re-enabled after a disable, and by whom. */
  readonly enabledAt?: Date;
  readonly enabledBy?: string;
}

/** What creating a user needs: a password for staff, a bound SM2 key for a citizen. */
export type NewUser =
  | { readonly username: string; readonly role: Exclude<Role, 'citizen'>; readonly department?: string; readonly password: string }
  | { readonly username: string; readonly role: 'citizen'; readonly subjectKey: string; readonly citizenPublicKey: string };
