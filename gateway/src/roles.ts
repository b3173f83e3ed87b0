/** The kinds of people the gateway serves. */
export const roles = ['department-officer', 'credit-officer', 'auditor', 'citizen', 'admin'] as const;

/**
 * - `department-officer`: acts for one department (records accesses, asks for data).
 * - `credit-officer`: queries credit evaluations and scores.
 * - `auditor`: reads and traces everything, changes nothing.
 * - `citizen`: sees only what concerns them, identified by a pseudonymous subject key.
 * - `admin`: manages the users and seal keys of their own department.
 */
export type Role = (typeof roles)[number];

/** Roles whose users belong to one department. */
export const departmentRoles: ReadonlySet<Role> = new Set<Role>(['department-officer', 'admin']);

export function isRole(value: string): value is Role {
  return (roles as readonly string[]).includes(value);
}
