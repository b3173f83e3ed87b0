export type { ChaincodeConnection, ChaincodeServerOptions, ExecuteRequest, SimulationResult } from './chaincode-connection';
export { connectChaincodeServer, DEFAULT_CONNECT_TIMEOUT_MS } from './connect-chaincode-server';
export { DEFAULT_EXECUTE_TIMEOUT_MS } from './chaincode-stream';
export { ChaincodeStreamClosedError, ChaincodeTimeoutError, ChaincodeUnreachableError } from './errors';
export { QUERY_BATCH_SIZE, TOTAL_QUERY_LIMIT } from './query-response';
