import { connectChaincodeServer, type ChaincodeConnection } from './chaincode-support';
import type { LedgerLog } from './channel';

export class ChaincodeUnavailableError extends Error {
  override readonly name = 'ChaincodeUnavailableError';
}

/**
 * The ledger's standing connection to the chaincode server, as a peer keeps one to a
 * chaincode-as-a-service endpoint: dialled at start, re-dialled with back-off whenever it drops,
 * so a restarted chaincode server is picked up without restarting the ledger.
 */
export class ChaincodeLink {
  private connection: ChaincodeConnection | undefined;
  private lastError = 'not connected yet';
  private stopped = false;
  private retry: NodeJS.Timeout | undefined;

  constructor(private readonly address: string, private readonly log: LedgerLog) {}

  /** Dials until connected or `timeoutMs` passes; later drops are re-dialled in the background. */
  async start(timeoutMs: number): Promise<void> {
    await this.dial(timeoutMs);
  }

  /** The live connection, or an error that names the address and the last failure. */
  current(): ChaincodeConnection {
    if (this.connection) return this.connection;
    throw new ChaincodeUnavailableError(`the chaincode server at ${this.address} is not connected (${this.lastError}); ` +
      'start it (`citytrust up` does) and the ledger reconnects by itself');
  }

  get connected(): boolean {
    return this.connection !== undefined;
  }

  get chaincodeId(): string | undefined {
    return this.connection?.chaincodeId;
  }

  stop(): void {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    this.connection?.close();
    this.connection = undefined;
  }

  private async dial(timeoutMs: number): Promise<void> {
    const connection = await connectChaincodeServer({ address: this.address, connectTimeoutMs: timeoutMs });
    if (this.stopped) {
      connection.close();
      return;
    }
    this.connection = connection;
    this.log('chaincode connected', { address: this.address, chaincodeId: connection.chaincodeId });
    void connection.closed.then((error) => {
      if (this.connection !== connection) return;
      this.connection = undefined;
      this.lastError = error ? error.message : 'the stream closed';
      if (this.stopped) return;
      this.log('chaincode disconnected', { address: this.address, error: this.lastError });
      this.redial(500);
    });
  }

  private redial(delayMs: number): void {
    this.retry = setTimeout(() => {
      this.dial(5_000).catch((error: unknown) => {
        this.lastError = error instanceof Error ? error.message : String(error);
        if (!this.stopped) this.redial(Math.min(delayMs * 2, 5_000));
      });
    }, delayMs);
  }
}
