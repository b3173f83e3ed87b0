import { EventEmitter } from 'node:events';
import { common, peer } from '@hyperledger/fabric-protos';
import { validateBlock, type TransactionVerdict, type ValidationContext } from './committer/block-validator';
import { blockUpdates, commitHash, commitHashMetadata, commitHashOf } from './committer/commit-hash';
import { BlockCutter, type BlockCutting } from './orderer/block-cutter';
import { hashOfBlock, newSignedBlock, setMetadata, setTransactionsFilter } from './protoutil/block';
import { validationCodeName } from './protoutil/validation-code';
import type { SigningIdentity } from './protoutil/signing-identity';
import type { LedgerStore, TransactionRecord } from './storage';

/** Logs one structured line; the ledger process writes them as JSON. */
export type LedgerLog = (event: string, fields?: Record<string, unknown>) => void;

export class ChannelUnavailableError extends Error {
  override readonly name = 'ChannelUnavailableError';
}

/**
 * One channel's ordering and commit pipeline: envelopes are cut into blocks, each block is
 * signed by the orderer, validated, appended to the block file and applied to state, strictly
 * one after another; then commit-status waiters and block listeners hear of it. Nothing is
 * announced before it is durable.
 */
export class Channel {
  private readonly cutter: BlockCutter;
  private readonly committed = new EventEmitter();
  private readonly statusWaiters = new Map<string, Array<(record: TransactionRecord) => void>>();
  private pipeline: Promise<void> = Promise.resolve();
  private failure: Error | undefined;
  /** The last committed block's commit hash, read from the ledger on the first commit after start. */
  private lastCommitHash: Uint8Array | undefined;
  private pendingCommitHash: Uint8Array | undefined;
  private closing = false;

  constructor(
    readonly store: LedgerStore,
    private readonly validation: ValidationContext,
    private readonly orderer: SigningIdentity,
    cutting: BlockCutting,
    private readonly log: LedgerLog,
  ) {
    this.cutter = new BlockCutter(cutting, (batch) => {
      this.pipeline = this.pipeline.then(() => this.commitBatch(batch));
    });
    this.committed.setMaxListeners(0);
  }

  get channelId(): string {
    return this.validation.channelId;
  }

  get height(): number {
    return this.store.height;
  }

  /** Broadcast: accept a signed transaction for ordering. Throws when the channel cannot take it. */
  order(envelope: Uint8Array): void {
    if (this.failure) throw new ChannelUnavailableError(`the ledger stopped committing after an error: ${this.failure.message}; restart it (it recovers from its block file)`);
    if (this.closing) throw new ChannelUnavailableError('the ledger is shutting down');
    this.cutter.order(envelope);
  }

  /** Resolves with the transaction's committed record, waiting for its block if need be (or rejects when `signal` aborts). */
  async commitStatus(txId: string, signal?: AbortSignal): Promise<TransactionRecord> {
    signal?.throwIfAborted();
    let stopListening = () => {};
    const waiting = new Promise<TransactionRecord>((resolve, reject) => {
      const waiters = this.statusWaiters.get(txId) ?? [];
      waiters.push(resolve);
      this.statusWaiters.set(txId, waiters);
      const onAbort = () => {
        this.removeWaiter(txId, resolve);
        reject(signal?.reason ?? new Error('cancelled'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      stopListening = () => signal?.removeEventListener('abort', onAbort);
    });
    // An abort during the lookup below rejects `waiting` before anyone awaits it; without this it
    // would be an unhandled rejection, which ends the process. The caller still gets the rejection.
    waiting.catch(() => undefined);
    try {
      // Registered first, so a commit between the lookup and the wait cannot be missed.
      const record = await this.store.transaction(txId);
      if (record) {
        queueMicrotask(() => this.resolveWaiters(txId, record));
        return record;
      }
      return await waiting;
    } finally {
      stopListening();
    }
  }

  /** Resolves once the ledger holds block `blockNum` (or rejects when `signal` aborts). */
  async blockAvailable(blockNum: number, signal?: AbortSignal): Promise<void> {
    if (this.store.height > blockNum) return;
    await new Promise<void>((resolve, reject) => {
      const onBlock = () => {
        if (this.store.height > blockNum) done(resolve);
      };
      const onAbort = () => done(() => reject(signal?.reason ?? new Error('cancelled')));
      const done = (then: () => void) => {
        this.committed.off('block', onBlock);
        signal?.removeEventListener('abort', onAbort);
        then();
      };
      this.committed.on('block', onBlock);
      signal?.addEventListener('abort', onAbort, { once: true });
      if (signal?.aborted) onAbort();
    });
  }

  /** Stops taking transactions, commits what is pending, and waits for the pipeline to drain. */
  async close(): Promise<void> {
    this.closing = true;
    this.cutter.cut();
    await this.pipeline;
  }

  private async commitBatch(envelopes: Uint8Array[]): Promise<void> {
    if (this.failure) return;
    try {
      const started = process.hrtime.bigint();
      const number = this.store.height;
      const block = await newSignedBlock(number, this.store.lastBlockHash ?? new Uint8Array(0), envelopes, this.orderer);
      const verdicts = await validateBlock(envelopes, this.validation);
      const filter = Uint8Array.from(verdicts, (v) => v.code);
      setTransactionsFilter(block, filter);
      await this.addCommitHash(block, number, filter, verdicts);
      await this.store.commitBlock(block);
      if (this.pendingCommitHash) this.lastCommitHash = this.pendingCommitHash;
      const invalid = verdicts.filter((v) => v.code !== peer.TxValidationCode.VALID);
      this.log('block committed', {
        block: number,
        transactions: envelopes.length,
        invalid: invalid.length,
        ms: Number(process.hrtime.bigint() - started) / 1e6,
        hash: hashOfBlock(block).toString('hex'),
      });
      for (const v of invalid) this.log('transaction invalid', { block: number, txId: v.txId, code: validationCodeName(v.code), reason: v.reason });
      verdicts.forEach((v, txNum) => this.resolveWaiters(v.txId, { blockNum: number, txNum, validationCode: v.code }));
      this.committed.emit('block', number);
    } catch (error) {
      this.failure = error instanceof Error ? error : new Error(String(error));
      this.log('commit failed', { error: this.failure.message });
    }
  }

  /** As a Fabric peer does from block 1 on, chaining each block's commit hash to the previous one's. */
  private async addCommitHash(block: common.Block, number: number, filter: Uint8Array, verdicts: readonly TransactionVerdict[]): Promise<void> {
    if (number < 1) return;
    this.lastCommitHash ??= number === 1 ? new Uint8Array(0) : commitHashOf((await this.store.block(number - 1)).getMetadata()?.getMetadataList_asU8()[common.BlockMetadataIndex.COMMIT_HASH]);
    const valid = verdicts.flatMap((v, txNum) => (v.code === peer.TxValidationCode.VALID && v.writes ? [{ txNum, writes: v.writes }] : []));
    const hash = commitHash(filter, blockUpdates(number, valid), this.lastCommitHash);
    setMetadata(block, common.BlockMetadataIndex.COMMIT_HASH, commitHashMetadata(hash));
    this.pendingCommitHash = hash;
  }

  private resolveWaiters(txId: string, record: TransactionRecord): void {
    const waiters = this.statusWaiters.get(txId);
    if (!waiters) return;
    this.statusWaiters.delete(txId);
    for (const resolve of waiters) resolve(record);
  }

  private removeWaiter(txId: string, resolve: (record: TransactionRecord) => void): void {
    const waiters = this.statusWaiters.get(txId)?.filter((w) => w !== resolve);
    if (waiters && waiters.length > 0) this.statusWaiters.set(txId, waiters);
    else this.statusWaiters.delete(txId);
  }
}
