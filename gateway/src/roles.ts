/** The kinds of people the gateway serves. */
export const roles = ['department-officer', 'credit-officer', 'auditor', 'citizen', 'enterprise', 'admin'] as const;

/**
 * - `department-officer`: acts for one department (records accesses, asks for data).
 * - `credit-officer`: queries credit evaluations and scores.
 * - `auditor`: reads and traces everything, changes nothing.
 * - `citizen`: sees only what concerns them, identified by a pseudonymous subject key.
 * - `enterprise`: the account of an enterprise's legal representative or agent; sees only what
 *   concerns that enterprise, identified by its Unified Social Credit Code.
 * - `admin`: manages the users and seal keys of their own department.
 */
export type Role = (typeof roles)[number];

/** Roles whose users belong to one department. */
export const departmentRoles: ReadonlySet<Role> = new Set<Role>(['department-officer', 'admin']);

/**
 * Roles whose users are data subjects (a person, an enterprise): registered by an admin with the
 * subject they are bound to and an SM2 public key, and logged in by signing a challenge, never
 * with a password.
 */
export const subjectRoles = ['citizen', 'enterprise'] as const;
export type SubjectRole = (typeof subjectRoles)[number];

export function isSubjectRole(role: Role): role is SubjectRole {
  return (subjectRoles as readonly Role[]).includes(role);
}

export function isRole(value: string): value is Role {
  return (roles as readonly string[]).includes(value);
}
