export { loadGatewayConfig, type GatewayConfig } from './config';
export { openGatewayDatabase, gatewayServices, listen, redactUrl, type GatewayDatabase, type OpenDatabaseOptions, type RunningGateway } from './gateway';
export { loadGatewaySecrets, SecretError, type GatewaySecrets } from './secrets';
export type { SupervisorEvent } from './database/postgres-supervisor';
export { disconnectedLedger, type Ledger, type LedgerCall, type LedgerHealth, type SubmittedTransaction } from './ledger/ledger';
export { newUserStore, type UserStore } from './users/user-store';
export { roles, isRole, type Role } from './roles';
export { registerCitizen } from './users/register-citizen';
export { fabricLedger, LedgerRejectedError, type FabricLedgerOptions } from './ledger/fabric-ledger';
