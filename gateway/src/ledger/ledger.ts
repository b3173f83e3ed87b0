import type { ProofBundle } from '@citytrust/network-config';
import { DependencyUnavailableError } from '../errors';

/**
 * The gateway's view of the Fabric ledger. Business endpoints reach the chain only through
 * this port, so that "the ledger is unreachable" is one condition with one answer (503 with
 * Retry-After) wherever it happens.
 */
export interface LedgerHealth {
  readonly reachable: boolean;
  /** What was checked, or why the ledger cannot be reached. */
  readonly detail: string;
  /** The channel's block height, when reachable. */
  readonly height?: number;
}

/** One call of a chaincode transaction, made as a department's client identity. */
export interface LedgerCall {
  /** The department (MSP id) whose client identity signs the proposal. */
  readonly department: string;
  /**
   * Which of the department's identities signs: its client (the default, for the department's
   * records) or its admin (for what only an administrator may do, such as its seal keys).
   */
  readonly identity?: 'client' | 'admin';
  /** The contract within the CityTrust chaincode, e.g. `system`. */
  readonly contract: string;
  readonly transaction: string;
  readonly arguments: readonly string[];
}

/** What a committed submission returns: its id, where it landed, how it was validated, and its result. */
export interface SubmittedTransaction {
  readonly transactionId: string;
  readonly blockNumber: number;
  /** Fabric's validation code name: always `VALID` here, since anything else is thrown. */
  readonly validationCode: 'VALID';
  readonly result: Uint8Array;
}

/** A chaincode event of a valid transaction, where it was committed. */
export interface LedgerEvent {
  readonly blockNumber: number;
  readonly transactionId: string;
  readonly name: string;
  readonly payload: Uint8Array;
}

/** Events in block order; iteration ends when closed and throws when the ledger goes away. */
export interface LedgerEventStream extends AsyncIterable<LedgerEvent> {
  close(): void;
}

export interface Ledger {
  health(): Promise<LedgerHealth>;
  /** Endorse, order and wait for the commit; MVCC conflicts are retried a bounded number of times. */
  submit(call: LedgerCall): Promise<SubmittedTransaction>;
  /** A read-only query of committed state. */
  evaluate(call: LedgerCall): Promise<Uint8Array>;
  /**
   * The proof bundle of a sealed transaction: its block, the orderer's trust roots, its record,
   * seal and key history, checkable offline (`citytrust proof verify`). 404 for an unknown
   * transaction, 422 `not_sealed` for one that carries no seal.
   */
  proofBundle(transactionId: string): Promise<ProofBundle>;
  /**
   * A block's `common.Block` bytes as the ledger stores them (qscc GetBlockByNumber), for the
   * explorer. 404 past the channel's height.
   */
  block(number: number): Promise<Uint8Array>;
  /** The bytes of the block holding a transaction (qscc GetBlockByTxID). 404 for an unknown transaction. */
  blockOfTransaction(transactionId: string): Promise<Uint8Array>;
  /** The CityTrust chaincode's events of valid transactions, from block `startBlock` on (Fabric's ChaincodeEvents service). */
  chaincodeEvents(startBlock: number): Promise<LedgerEventStream>;
  close(): Promise<void>;
}

/**
 * The ledger of a gateway that has no Fabric network to talk to. It never pretends: health
 * says unreachable, and every call is a 503, with the reason.
 */
export function disconnectedLedger(reason: string): Ledger {
  const unavailable = async (): Promise<never> => {
    throw new DependencyUnavailableError('ledger', reason);
  };
  return { health: async () => ({ reachable: false, detail: reason }), submit: unavailable, evaluate: unavailable, proofBundle: unavailable, block: unavailable, blockOfTransaction: unavailable, chaincodeEvents: unavailable, close: async () => undefined };
}
