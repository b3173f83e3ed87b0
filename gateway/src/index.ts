export { loadGatewayConfig, type GatewayConfig } from './config';
export { openGatewayDatabase, gatewayServices, listen, redactUrl, type GatewayDatabase, type RunningGateway } from './gateway';
export { disconnectedLedger, type Ledger, type LedgerCall, type LedgerHealth, type SubmittedTransaction } from './ledger/ledger';
export { newUserStore, type UserStore } from './users/user-store';
export { roles, isRole, type Role } from './roles';
export { registerCitizen } from './users/register-citizen';
export { fabricLedger, LedgerRejectedError, type FabricLedgerOptions } from './ledger/fabric-ledger';
export { newSealService, documentDigest, SealRefusedApiError, type SealService, type SealKeyListing, type DocumentSealReceipt } from './seals/seal-service';
export { newSealKeyCustody, type SealKeyCustody, type CustodyKey, type SealSigner } from './seals/seal-key-custody';
