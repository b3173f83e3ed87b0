import type { ledger, peer } from '@hyperledger/fabric-protos';
import type { StateReader } from '../ledger-state';

/**
 * The peer's side of one chaincode server's stream (chaincode-as-a-service): the ledger dials the
 * server, the chaincode registers, and every transaction of that chaincode is simulated over this
 * one stream, many at a time. Get one with `connectChaincodeServer`.
 */
export interface ChaincodeConnection {
  /** The id the chaincode server registered with (its package id, e.g. `citytrust_1.0:ab12…`). */
  readonly chaincodeId: string;
  /**
   * Runs one transaction proposal on the chaincode and returns what it answered and the
   * read-write set of its simulation. Rejects (with `ChaincodeTimeoutError` or
   * `ChaincodeStreamClosedError`) only when the chaincode gave no answer; a chaincode that fails
   * answers with an error status in `response`.
   */
  execute(request: ExecuteRequest): Promise<SimulationResult>;
  /** Ends the stream; transactions still under way reject. */
  close(): void;
  /**
   * Settles when the stream ends: with undefined after `close()`, with the reason when the
   * stream was lost (the server stopped, the network failed). Executes after that reject.
   */
  readonly closed: Promise<Error | undefined>;
}

export interface ExecuteRequest {
  readonly channelId: string;
  readonly txId: string;
  /** The chaincode name, which is also its state namespace (e.g. `citytrust`). */
  readonly namespace: string;
  /** The client's proposal; the chaincode reads the creator, transient data and timestamp from it. */
  readonly signedProposal: peer.SignedProposal;
  /** Function and arguments, from the proposal's `ChaincodeInvocationSpec`. */
  readonly input: peer.ChaincodeInput;
  /** Committed state the simulation reads. */
  readonly state: StateReader;
  /** How long the chaincode may take; Fabric's `chaincode.executetimeout`, 30 s by default. */
  readonly timeoutMs?: number;
}

export interface SimulationResult {
  /**
   * What the chaincode returned; status >= 400 is a failed transaction. A chaincode that answered
   * ERROR instead of COMPLETED appears as status 500 with its message (Fabric's endorser reports
   * it as "transaction returned with failure: <message>").
   */
  readonly response: peer.Response;
  /** The event the chaincode set, with `chaincode_id` (the namespace) and `tx_id` filled in, as Fabric does. */
  readonly event: peer.ChaincodeEvent | undefined;
  /** Fabric's public read-write set, deterministic for the same reads and writes. */
  readonly readWriteSet: ledger.rwset.TxReadWriteSet;
}

export interface ChaincodeServerOptions {
  /** `host:port` of the chaincode server (its `CHAINCODE_SERVER_ADDRESS`). */
  readonly address: string;
  /** Server TLS; mutual TLS when the client certificate and key are given. Plain text when absent. */
  readonly tls?: {
    readonly rootCertPem: string;
    readonly clientCertPem?: string;
    readonly clientKeyPem?: string;
    /** The host name to expect in the server's certificate, when it differs from the address's. */
    readonly serverNameOverride?: string;
  };
  /** How long to keep dialling a server that is not up yet; 30 s by default. */
  readonly connectTimeoutMs?: number;
  /** Receives connection events (dialled, registered, lost) as JSON lines; never per-transaction. */
  readonly log?: (line: string) => void;
}
