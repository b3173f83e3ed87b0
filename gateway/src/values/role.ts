import { Type, type Static } from '@sinclair/typebox';
import { isSubjectRole, roles, type Role as RoleName, type SubjectRole } from '../roles';

/** What a user may do; the authorization table says which operations each role may call. */
export const Role = Type.Union(roles.map((role) => Type.Literal(role)), {
  description: 'a role is one of the roles the gateway knows; see the authorization table',
});
export type Role = Static<typeof Role>;

/**
 * Roles of staff, who log in with a password: citizens are registered with POST /api/v1/citizens
 * and enterprises' accounts with POST /api/v1/enterprises.
 */
export const StaffRole = Type.Union(roles.filter((role): role is Exclude<RoleName, SubjectRole> => !isSubjectRole(role)).map((role) => Type.Literal(role)), {
  description: 'a staff role is one of the roles the gateway knows except citizen and enterprise (registered with POST /api/v1/citizens and POST /api/v1/enterprises)',
});
export type StaffRole = Static<typeof StaffRole>;
