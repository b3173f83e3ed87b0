/**
 * Why this stack has no Fabric network. The network tooling needs Fabric's peer and orderer
 * built from the Go module proxy, which refuses the Fabric module on this workplace's machines;
 * until that is resolved the stack runs without a ledger and says so, rather than pretending.
 */
export const fabricNetworkUnavailable =
  'not started: CityTrust\'s Fabric network tooling is not built yet, because the Go module proxy ' +
  'refuses github.com/hyperledger/fabric (HTTP 403, "This module version is not available"). ' +
  'The gateway runs without a ledger and /healthz reports it as unreachable.';
