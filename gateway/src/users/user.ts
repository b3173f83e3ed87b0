import type { Role, SubjectRole } from '../roles';

/** A gateway user as stored; secrets (password hash) stay inside the user store. */
export interface User {
  readonly id: string;
  readonly username: string;
  readonly role: Role;
  readonly department?: string;
  /** A citizen's pseudonymous subject key. */
  readonly subjectKey?: string;
  /** The Unified Social Credit Code of the enterprise an `enterprise` account acts for. */
  readonly uscc?: string;
  /** SubjectPublicKeyInfo PEM of a subject user's (citizen's or enterprise's) SM2 login key. */
  readonly loginPublicKey?: string;
  readonly createdAt: Date;
  readonly createdBy: string;
  /** Set while the user is disabled: when, and by whom (an admin's username or the CLI command). */
  readonly disabledAt?: Date;
  readonly disabledBy?: string;
  /** When the user was last re-enabled after a disable, and by whom. */
  readonly enabledAt?: Date;
  readonly enabledBy?: string;
}

/**
 * What creating a user needs: a password for staff; for a subject user, the subject it is bound
 * to (a citizen's subject key, an enterprise's USCC) and its SM2 login key.
 */
export type NewUser =
  | { readonly username: string; readonly role: Exclude<Role, SubjectRole>; readonly department?: string; readonly password: string }
  | { readonly username: string; readonly role: 'citizen'; readonly subjectKey: string; readonly loginPublicKey: string }
  | { readonly username: string; readonly role: 'enterprise'; readonly uscc: string; readonly loginPublicKey: string };
