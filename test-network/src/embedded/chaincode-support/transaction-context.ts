import type { peer } from '@hyperledger/fabric-protos';
import { OpenQuery, type OpenQueries, type QueryCursor } from './query-response';
import type { TxSimulator } from './tx-simulator';

/**
 * One transaction under way on a chaincode stream (Fabric's `TransactionContext`): its
 * simulator, the iterators the chaincode holds open, and the wait for the chaincode's COMPLETED
 * or ERROR.
 */
export class TransactionContext implements OpenQueries {
  /** Settles with the chaincode's final message, or rejects on timeout or a lost stream. */
  readonly outcome: Promise<peer.ChaincodeMessage>;
  private settle!: { resolve(message: peer.ChaincodeMessage): void; reject(error: Error): void };
  private readonly queries = new Map<string, OpenQuery>();

  constructor(readonly simulator: TxSimulator) {
    this.outcome = new Promise((resolve, reject) => {
      this.settle = { resolve, reject };
    });
  }

  complete(message: peer.ChaincodeMessage): void {
    this.settle.resolve(message);
  }

  fail(error: Error): void {
    this.settle.reject(error);
  }

  openQuery(id: string, cursor: QueryCursor): OpenQuery {
    const query = new OpenQuery(id, cursor);
    this.queries.set(id, query);
    return query;
  }

  query(id: string): OpenQuery | undefined {
    return this.queries.get(id);
  }

  closeQuery(id: string): void {
    this.queries.get(id)?.cursor.close();
    this.queries.delete(id);
  }

  forgetQuery(id: string): void {
    this.queries.delete(id);
  }

  /** Closes what the chaincode left open; the transaction is over. */
  closeQueries(): void {
    for (const query of this.queries.values()) query.cursor.close();
    this.queries.clear();
  }
}
