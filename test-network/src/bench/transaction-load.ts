import { performance } from 'node:perf_hooks';
import { status as grpcStatus } from '@grpc/grpc-js';
import type { Contract } from '@hyperledger/fabric-gateway';
import { validationCodeName } from '../embedded/protoutil/validation-code';
import { summariseLatencies, type LatencySummary } from './latency-summary';

/** The chaincode call one transaction of a workload makes, e.g. `put` with a fresh key. */
export interface TransactionCall {
  readonly name: string;
  readonly arguments: readonly string[];
}

/** A workload: the next transaction to submit, asked for once per transaction. */
export type NextTransaction = () => TransactionCall;

/** What a run of load achieved, counted at the client as an application would see it. */
export interface LoadReading extends LatencySummary {
  /** Wall time from the first submission until the last transaction's status arrived. */
  readonly seconds: number;
  /** Transactions committed VALID. */
  readonly committed: number;
  readonly perSecond: number;
  /** Transactions committed with another validation code, by code name (e.g. MVCC_READ_CONFLICT). */
  readonly invalid: Readonly<Record<string, number>>;
  /** Transactions that failed before a commit status, by error kind (e.g. `EndorseError ABORTED`). */
  readonly errors: Readonly<Record<string, number>>;
  /** The first error's message, to say what went wrong without a debugger. */
  readonly firstError?: string;
  /** A transaction that committed VALID, to inspect afterwards (its endorsements). */
  readonly sampleTxId?: string;
}

/**
 * Tallies transactions as they finish. Latency is from the submission's start (endorsement
 * included) until the commit status said VALID: what a caller of `submitTransaction` waits.
 */
class Tally {
  readonly latenciesMs: number[] = [];
  readonly invalid: Record<string, number> = {};
  readonly errors: Record<string, number> = {};
  firstError: string | undefined;
  sampleTxId: string | undefined;

  async submit(contract: Contract, call: TransactionCall, startedAt = performance.now()): Promise<void> {
    try {
      const submitted = await contract.submitAsync(call.name, { arguments: [...call.arguments] });
      const status = await submitted.getStatus();
      if (status.successful) {
        this.latenciesMs.push(performance.now() - startedAt);
        this.sampleTxId ??= status.transactionId;
      } else {
        const name = validationCodeName(status.code);
        this.invalid[name] = (this.invalid[name] ?? 0) + 1;
      }
    } catch (error) {
      const kind = errorKind(error);
      this.errors[kind] = (this.errors[kind] ?? 0) + 1;
      this.firstError ??= error instanceof Error ? error.message : String(error);
    }
  }

  reading(seconds: number): LoadReading {
    const committed = this.latenciesMs.length;
    return {
      ...summariseLatencies(this.latenciesMs),
      seconds,
      committed,
      perSecond: committed / seconds,
      invalid: this.invalid,
      errors: this.errors,
      ...(this.firstError === undefined ? {} : { firstError: this.firstError }),
      ...(this.sampleTxId === undefined ? {} : { sampleTxId: this.sampleTxId }),
    };
  }
}

/** `EndorseError ABORTED`: fabric-gateway's error type and the gRPC status code, when it has one. */
function errorKind(error: unknown): string {
  if (!(error instanceof Error)) return 'non-Error thrown';
  const code = (error as { code?: unknown }).code;
  return typeof code === 'number' && grpcStatus[code] !== undefined ? `${error.name} ${grpcStatus[code]}` : error.name;
}

/**
 * A closed loop: `concurrency` clients each submit a transaction and wait for its commit status
 * before submitting the next, for `seconds`. No client starts a transaction after the time is up;
 * those in flight are waited for and counted, and the elapsed time includes them.
 */
export async function runClosedLoop(contract: Contract, next: NextTransaction, options: { concurrency: number; seconds: number }): Promise<LoadReading> {
  const tally = new Tally();
  const started = performance.now();
  const end = started + options.seconds * 1000;
  const client = async () => {
    while (performance.now() < end) await tally.submit(contract, next());
  };
  await Promise.all(Array.from({ length: options.concurrency }, client));
  return tally.reading((performance.now() - started) / 1000);
}

/** An open-loop reading also says how many transactions it meant to send and could not. */
export interface OpenLoopReading extends LoadReading {
  readonly offeredPerSecond: number;
  /** Submissions skipped because `maxInFlight` were still waiting: the ledger could not keep up. */
  readonly skipped: number;
}

/**
 * An open loop: submits at a fixed rate whatever the ledger's answers, the way independent users
 * arrive. Latency counts from the moment a transaction was due, not when the client got round to
 * it, so a stalled client cannot hide queueing (no coordinated omission).
 */
export async function runOpenLoop(
  contract: Contract,
  next: NextTransaction,
  options: { perSecond: number; seconds: number; maxInFlight?: number },
): Promise<OpenLoopReading> {
  const tally = new Tally();
  const maxInFlight = options.maxInFlight ?? 1_000;
  const intervalMs = 1000 / options.perSecond;
  const inFlight = new Set<Promise<void>>();
  let launched = 0;
  let skipped = 0;
  // Transaction i is due at started + i * intervalMs; every one due within the window is offered.
  const total = Math.ceil(options.seconds * options.perSecond);
  const started = performance.now();
  while (launched < total) {
    const due = Math.min(total, Math.floor((performance.now() - started) / intervalMs) + 1);
    for (; launched < due; launched++) {
      if (inFlight.size >= maxInFlight) {
        skipped += 1;
        continue;
      }
      const submission = tally.submit(contract, next(), started + launched * intervalMs).finally(() => inFlight.delete(submission));
      inFlight.add(submission);
    }
    if (launched < total) await new Promise((resolve) => setTimeout(resolve, Math.max(0, started + launched * intervalMs - performance.now())));
  }
  await Promise.all(inFlight);
  return { ...tally.reading((performance.now() - started) / 1000), offeredPerSecond: options.perSecond, skipped };
}
