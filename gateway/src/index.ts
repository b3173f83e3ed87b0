export { loadGatewayConfig, type GatewayConfig } from './config';
export { openGatewayDatabase, gatewayServices, listen, redactUrl, type GatewayDatabase, type OpenDatabaseOptions, type RunningGateway } from './gateway';
export { loadGatewaySecrets, SecretError, type GatewaySecrets } from './secrets';
export type { SupervisorEvent } from './database/postgres-supervisor';
export { disconnectedLedger, type Ledger, type LedgerCall, type LedgerHealth, type SubmittedTransaction } from './ledger/ledger';
export { newUserStore, type UserStore } from './users/user-store';
export { roles, isRole, isSubjectRole, type Role } from './roles';
export { registerCitizen } from './users/register-citizen';
export { registerEnterprise } from './users/register-enterprise';
export { fabricLedger, LedgerRejectedError, type FabricLedgerOptions } from './ledger/fabric-ledger';
export { newSealService, documentDigest, SealRefusedApiError, type SealService, type SealKeyListing, type DocumentSealReceipt } from './seals/seal-service';
export { newSealKeyCustody, type SealKeyCustody, type CustodyKey, type SealSigner } from './seals/seal-key-custody';
export type { GatewayServices } from './http/services';
/** The rules about values (usernames, passwords, roles, departments, identity numbers), for the CLI. */
export * as values from './values';
export { identityNumberProblem, normaliseIdentityNumber } from './subjects/identity-number';
export { usccProblem } from './subjects/uscc';
export { AUDIT_BUNDLE_FORMAT, MAX_AUDIT_BUNDLE_TRAILS, AuditBundleSchema, AuditBundleFormatError, parseAuditBundle, type AuditBundle, type AuditManifest } from './audit-bundles/audit-bundle';
export { verifyAuditBundle, type AuditBundleReport, type AuditCheck, type AuditCheckId } from './audit-bundles/verify-audit-bundle';
