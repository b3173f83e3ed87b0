export { startEmbeddedLedger, type EmbeddedLedgerOptions, type RunningLedger } from './embedded/embedded-ledger';
export { upEmbeddedNetwork, downEmbeddedNetwork, embeddedNetworkStatus, ledgerInfo, NetworkAlreadyUpError, NetworkStartError, type NetworkUp, type ProcessStatus } from './network/embedded-network';
export { chooseLedgerBackend, BackendUnavailableError, type LedgerBackend } from './network/ledger-backend';
export { recordedLedgerBackend } from './network/ledger-backend';
export { upLedgerNetwork, downLedgerNetwork, ledgerNetworkStatus, ledgerGatewayAddress, ledgerUpSteps, type LedgerNetworkUp } from './network/ledger-network';
export { checkFabricRelease, FabricReleaseError, fabricReleaseHint, type FabricRelease } from './fabric/fabric-release';
export { upFabricNetwork, downFabricNetwork, fabricNetworkStatus, fabricSteps, type FabricNetworkUp } from './fabric/fabric-network';
export { fabricTopology, type FabricTopology } from './fabric/fabric-topology';
export { adminEnvironment } from './fabric/fabric-environment';
