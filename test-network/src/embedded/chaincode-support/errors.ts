/** The chaincode server never registered: it is not running, not at that address, or TLS does not match. */
export class ChaincodeUnreachableError extends Error {
  constructor(
    readonly address: string,
    readonly connectTimeoutMs: number,
    readonly attempts: number,
    cause: unknown,
  ) {
    super(
      `the chaincode server at ${address} did not register within ${connectTimeoutMs} ms (${attempts} attempts; last: ${reason(cause)}); ` +
        'check that it is running and listening there (CHAINCODE_SERVER_ADDRESS) and that both sides agree on TLS',
      { cause },
    );
    this.name = 'ChaincodeUnreachableError';
  }
}

/** The stream to the chaincode ended: transactions on it cannot complete; connect again. */
export class ChaincodeStreamClosedError extends Error {
  constructor(
    readonly address: string,
    readonly chaincodeId: string,
    why: string,
    cause?: unknown,
  ) {
    super(`the stream to chaincode ${chaincodeId} at ${address} is closed: ${why}`, cause === undefined ? undefined : { cause });
    this.name = 'ChaincodeStreamClosedError';
  }
}

/** The chaincode did not answer a transaction in time (Fabric: "timeout expired while executing transaction"). */
export class ChaincodeTimeoutError extends Error {
  constructor(
    readonly txId: string,
    readonly chaincodeId: string,
    readonly timeoutMs: number,
  ) {
    super(`timeout expired while executing transaction ${txId}: chaincode ${chaincodeId} did not answer within ${timeoutMs} ms`);
    this.name = 'ChaincodeTimeoutError';
  }
}

export function reason(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
