import { status as grpcStatus } from '@grpc/grpc-js';
import { GatewayError } from '@hyperledger/fabric-gateway';
import { common, peer } from '@hyperledger/fabric-protos';
import { buildProofBundle, ProofUnavailableError, type LedgerClient } from '@citytrust/network-config';
import { ApiError, DependencyUnavailableError, NotFoundError } from '../errors';
import type { Ledger, LedgerCall, LedgerHealth, SubmittedTransaction } from './ledger';

export interface FabricLedgerOptions {
  readonly client: LedgerClient;
  readonly channel: string;
  readonly chaincode: string;
  /** Department whose client identity answers health checks. */
  readonly healthDepartment: string;
  /**
   * How many times a transaction invalidated by an MVCC read conflict is endorsed again
   * (default 3). Each failed attempt was overtaken by another writer's commit, so with `n`
   * retries up to `n + 1` concurrent writers of one key all commit.
   */
  readonly mvccRetries?: number;
  /**
   * How long a health check waits for the ledger (default 5000 ms). A refused connection fails
   * at once, but a ledger that accepts connections and never answers would otherwise hold
   * `/healthz` for the client's full 30 s call deadline.
   */
  readonly healthTimeoutMs?: number;
}

/**
 * 409: the ledger refused the transaction: the chaincode failed it, or it was invalid at commit
 * (an MVCC read conflict only once the retries ran out). The message carries Fabric's reason;
 * `check` is the chaincode's stable name for the rule that refused it, when it gave one
 * (a reason starting `[area:check]`, e.g. `[seal:key_revoked]`).
 */
export class LedgerRejectedError extends ApiError {
  readonly check: string | undefined;

  constructor(message: string, details: Record<string, unknown>) {
    const check = /\[([a-z]+:[a-z_]+)\]/.exec(message)?.[1];
    super(409, 'ledger_rejected', message, check === undefined ? details : { ...details, check });
    this.check = check;
  }
}

/** gRPC answers that mean "the ledger cannot be reached now", not "your transaction is wrong". */
const unreachable = new Set<number>([grpcStatus.UNAVAILABLE, grpcStatus.DEADLINE_EXCEEDED, grpcStatus.CANCELLED]);

/**
 * The gateway's ledger over `@hyperledger/fabric-gateway`: the same client path on every
 * back-end (embedded or native Fabric). Unreachability is a 503 with Retry-After; a chaincode
 * error or an invalid transaction is a 409 with the transaction id and Fabric's reason.
 */
export function fabricLedger(options: FabricLedgerOptions): Ledger {
  const { client, channel, chaincode } = options;
  const retries = options.mvccRetries ?? 3;
  const healthTimeoutMs = options.healthTimeoutMs ?? 5_000;
  const qscc = () => client.network(options.healthDepartment).getContract('qscc');
  const contract = (call: LedgerCall) => client.network(call.department, call.identity ?? 'client').getContract(chaincode, call.contract);

  return {
    async health(): Promise<LedgerHealth> {
      try {
        const bytes = await client.network(options.healthDepartment).getContract('qscc')
          .newProposal('GetChainInfo', { arguments: [channel] })
          .evaluate({ deadline: Date.now() + healthTimeoutMs });
        const height = common.BlockchainInfo.deserializeBinary(bytes).getHeight();
        return { reachable: true, detail: `channel ${channel} at ${client.address}, height ${height}`, height };
      } catch (error) {
        return { reachable: false, detail: `channel ${channel} at ${client.address} did not answer: ${describe(error)}` };
      }
    },

    async submit(call): Promise<SubmittedTransaction> {
      for (let attempt = 0; ; attempt++) {
        try {
          const submitted = await contract(call).submitAsync(call.transaction, { arguments: [...call.arguments] });
          const status = await submitted.getStatus();
          if (status.successful) {
            return { transactionId: status.transactionId, blockNumber: Number(status.blockNumber), validationCode: 'VALID', result: submitted.getResult() };
          }
          if (status.code === peer.TxValidationCode.MVCC_READ_CONFLICT && attempt < retries) continue;
          const code = codeName(status.code);
          const why = status.code === peer.TxValidationCode.MVCC_READ_CONFLICT
            ? `: other transactions changed what it read, ${attempt + 1} time(s); submit it again later, or spread writers over more keys`
            : '';
          throw new LedgerRejectedError(`${call.contract}:${call.transaction} was invalidated at commit (${code})${why}`, { transactionId: status.transactionId, validationCode: code, attempts: attempt + 1 });
        } catch (error) {
          throw toApiError(error, call);
        }
      }
    },

    async evaluate(call): Promise<Uint8Array> {
      try {
        return await contract(call).evaluateTransaction(call.transaction, ...call.arguments);
      } catch (error) {
        throw toApiError(error, call);
      }
    },

    async proofBundle(transactionId) {
      try {
        return await buildProofBundle(client, { channel, departments: [{ mspId: options.healthDepartment }] }, transactionId);
      } catch (error) {
        if (error instanceof ProofUnavailableError) {
          throw error.reason === 'unknown_transaction'
            ? new NotFoundError(`no transaction ${transactionId} on channel ${channel}`)
            : new ApiError(422, 'not_sealed', `transaction ${transactionId} carries no seal, so there is nothing to prove about it: ${error.message}`);
        }
        throw toApiError(error, { department: options.healthDepartment, contract: 'qscc', transaction: 'GetBlockByTxID', arguments: [] });
      }
    },

    async block(number) {
      try {
        return await qscc().evaluateTransaction('GetBlockByNumber', channel, String(number));
      } catch (error) {
        // qscc's answer past the height differs between Fabric ("Entry not found in index") and
        // the embedded ledger; the height says which it is.
        const height = (await this.health()).height;
        if (height !== undefined && number >= height) throw new NotFoundError(`no block ${number} on channel ${channel}: its height is ${height}, so the newest block is ${height - 1}`);
        throw toApiError(error, { department: options.healthDepartment, contract: 'qscc', transaction: 'GetBlockByNumber', arguments: [] });
      }
    },

    async blockOfTransaction(transactionId) {
      try {
        return await qscc().evaluateTransaction('GetBlockByTxID', channel, transactionId);
      } catch (error) {
        if (/no such transaction ID/i.test(errorText(error))) throw new NotFoundError(`no transaction ${transactionId} on channel ${channel}`);
        throw toApiError(error, { department: options.healthDepartment, contract: 'qscc', transaction: 'GetBlockByTxID', arguments: [] });
      }
    },

    async chaincodeEvents(startBlock) {
      try {
        const events = await client.network(options.healthDepartment).getChaincodeEvents(chaincode, { startBlock: BigInt(startBlock) });
        return {
          async *[Symbol.asyncIterator]() {
            for await (const event of events) {
              yield { blockNumber: Number(event.blockNumber), transactionId: event.transactionId, name: event.eventName, payload: event.payload };
            }
          },
          close: () => events.close(),
        };
      } catch (error) {
        throw toApiError(error, { department: options.healthDepartment, contract: chaincode, transaction: 'ChaincodeEvents', arguments: [] });
      }
    },

    async close() {
      client.close();
    },
  };
}

function toApiError(error: unknown, call: LedgerCall): Error {
  if (error instanceof ApiError) return error;
  if (error instanceof GatewayError) {
    if (unreachable.has(error.code)) return new DependencyUnavailableError('ledger', describe(error));
    const reasons = error.details.map((d) => `${d.mspId}: ${d.message}`);
    return new LedgerRejectedError(`${call.contract}:${call.transaction} was refused: ${reasons[0] ?? error.message}`, { grpcCode: grpcStatus[error.code], details: reasons });
  }
  return error instanceof Error ? error : new Error(String(error));
}

function codeName(code: number): string {
  return Object.entries(peer.TxValidationCode).find(([, value]) => value === code)?.[0] ?? String(code);
}

/** The message and, for a gateway error, each peer's detail, where qscc puts its reason. */
function errorText(error: unknown): string {
  if (error instanceof GatewayError) return [error.message, ...error.details.map((d) => d.message)].join('; ');
  return describe(error);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
