export { startEmbeddedLedger, type EmbeddedLedgerOptions, type RunningLedger } from './embedded/embedded-ledger';
export { upEmbeddedNetwork, downEmbeddedNetwork, embeddedNetworkStatus, ledgerInfo, NetworkAlreadyUpError, NetworkStartError, type NetworkUp, type ProcessStatus } from './network/embedded-network';
export { chooseLedgerBackend, BackendUnavailableError, type LedgerBackend } from './network/ledger-backend';
