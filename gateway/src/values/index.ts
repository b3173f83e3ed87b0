/**
 * The rules about values, each in one TypeBox schema: the API's request schemas, the CLI and the
 * user store all check against these, so they cannot disagree about a username, a password, a
 * role, a department or an identity number.
 */
export { Username } from './username';
export { Password, PresentedPassword } from './password';
export { Role, StaffRole } from './role';
export { DepartmentId } from './department';
export { IdentityNumber } from './identity-number';
export { Uscc } from './uscc';
export { assertValue, ruleOf, valueProblem, type ValueProblem } from './value-rule';
