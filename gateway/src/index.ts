export { loadGatewayConfig, type GatewayConfig } from './config';
export { openGatewayDatabase, gatewayServices, listen, redactUrl, type GatewayDatabase, type RunningGateway } from './gateway';
export { disconnectedLedger, type Ledger, type LedgerCall, type LedgerHealth, type SubmittedTransaction } from './ledger/ledger';
export { newUserStore, type UserStore } from './users/user-store';
export { roles, isRole, type Role } from './roles';
export { registerCitizen } from './users/register-citizen';
export { fabricLedger, LedgerRejectedError, type FabricLedgerOptions } from './ledger/fabric-ledger';
/** The rules about values (usernames, passwords, roles, departments, identity numbers), for the CLI. */
export * as values from './values';
export { identityNumberProblem, normaliseIdentityNumber } from './subjects/identity-number';
