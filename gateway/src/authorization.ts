import { ForbiddenError } from './errors';
import type { Principal } from './principal';
import { roles, type Role } from './roles';

/**
 * Who may call what: the one table that decides, for every operation of the API, which roles
 * may call it. Every route names its operation id, the server refuses to start with a route
 * that is missing here, and a test walks every role against every operation.
 *
 * Finer rules that depend on the data (an admin manages only their own department's users, a
 * citizen or an enterprise sees only its own records) live in the handlers and say so in their errors.
 */
export type Access = 'public' | readonly Role[];

const everyone: readonly Role[] = roles;

export const authorizationTable = {
  getHealth: 'public',
  getMetrics: 'public',
  getOpenApi: 'public',
  getApiDocs: 'public',
  login: 'public',
  createCitizenChallenge: 'public',
  citizenLogin: 'public',
  getMe: everyone,
  listUsers: ['admin', 'auditor'],
  createUser: ['admin'],
  disableUser: ['admin'],
  enableUser: ['admin'],
  registerCitizen: ['admin'],
  registerEnterprise: ['admin'],
  sealDocument: ['department-officer', 'admin'],
  verifySeal: 'public',
  listSealKeys: 'public',
  registerDataItem: ['admin'],
  getDataItem: everyone,
  registerLegalBasis: ['admin'],
  exchangeData: ['department-officer'],
  answerObjection: ['department-officer', 'admin'],
  getTrailProof: ['citizen', 'enterprise', 'department-officer', 'admin', 'auditor'],
  listMyTrails: ['citizen', 'enterprise'],
  grantConsent: ['citizen'],
  revokeConsent: ['citizen'],
  raiseObjection: ['citizen'],
  registerLicenseType: ['admin'],
  getLicenseType: 'public',
  issueLicense: ['department-officer'],
  changeLicenseStatus: ['department-officer'],
  changeLicense: ['department-officer'],
  listHolderLicenses: ['department-officer'],
  verifyLicense: 'public',
  recordLicenseUse: ['department-officer'],
  // A license's uses name departments, officers' pseudonyms and cases: what the blocks already
  // show the channel's members and auditors, and no more public than they are.
  // A holder reads the timelines of their own licenses only; the handler checks the holder.
  getLicenseTimeline: ['department-officer', 'credit-officer', 'auditor', 'admin', 'citizen', 'enterprise'],
  listMyLicenses: ['citizen', 'enterprise'],
  createAnnotatedCopy: ['citizen', 'enterprise'],
  searchTrails: ['auditor'],
  getAnomalyReport: ['auditor'],
  exportAuditBundle: ['auditor'],
  submitCreditRecord: ['department-officer'],
  getCreditRecord: ['department-officer', 'credit-officer', 'admin', 'auditor'],
  answerCreditObjection: ['department-officer', 'admin'],
  decideCreditRepair: ['department-officer', 'admin'],
  setCreditCategoryPermission: ['admin'],
  getCreditCategoryPermission: everyone,
  registerCreditModel: ['admin'],
  getCreditModel: everyone,
  getCreditProfile: ['credit-officer', 'auditor'],
  reevaluateCredit: ['credit-officer'],
  listCreditListMembers: ['credit-officer', 'department-officer', 'auditor'],
  getMyCredit: ['citizen', 'enterprise'],
  raiseCreditObjection: ['citizen', 'enterprise'],
  applyForCreditRepair: ['citizen', 'enterprise'],
  getExplorer: 'public',
  // The network's shape and health are no secret to anyone signed in; blocks hold every
  // department's records (keys, seals, pseudonyms), which are for the channel's members and auditors.
  getNetworkOverview: everyone,
  listBlocks: ['department-officer', 'credit-officer', 'auditor', 'admin'],
  getBlock: ['department-officer', 'credit-officer', 'auditor', 'admin'],
  listTransactions: ['department-officer', 'credit-officer', 'auditor', 'admin'],
  getTransaction: ['department-officer', 'credit-officer', 'auditor', 'admin'],
  queryCreditGraph: ['credit-officer', 'auditor'],
  issueCreditCode: ['credit-officer'],
  getMyCreditCode: ['citizen', 'enterprise'],
  verifyCreditCode: 'public',
} as const satisfies Record<string, Access>;

export type OperationId = keyof typeof authorizationTable;

export function isOperationId(value: string): value is OperationId {
  return Object.hasOwn(authorizationTable, value);
}

export function accessFor(operation: OperationId): Access {
  return authorizationTable[operation];
}

/** Throws a 403 that names the roles that may call `operation` when `principal` may not. */
export function authorize(principal: Principal, operation: OperationId): void {
  const access = accessFor(operation);
  if (access === 'public' || access.includes(principal.role)) return;
  const article = /^[aeiou]/.test(principal.role) ? 'an' : 'a';
  throw new ForbiddenError(`${article} ${principal.role} may not call ${operation}; it is open to: ${access.join(', ')}`, { operation, allowedRoles: access });
}
