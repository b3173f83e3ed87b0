/**
 * How the orderer groups transactions into blocks: Fabric's `BatchSize` and `BatchTimeout`
 * (`orderer/common/blockcutter/blockcutter.go`, with the solo/raft chain's timer).
 */
export interface BlockCutting {
  /** Cut a block once this many transactions are pending (`MaxMessageCount`). */
  readonly maxMessageCount: number;
  /** Cut before a block would exceed this many bytes of envelopes (`PreferredMaxBytes`). */
  readonly preferredMaxBytes: number;
  /** A single envelope larger than this is refused (`AbsoluteMaxBytes`). */
  readonly absoluteMaxBytes: number;
  /** Cut whatever is pending this long after the first pending transaction arrived (`BatchTimeout`). */
  readonly batchTimeoutMs: number;
}

export class EnvelopeTooLargeError extends Error {
  override readonly name = 'EnvelopeTooLargeError';
}

/**
 * Orders envelopes into batches. `order` never blocks: batches are handed to `onBatch` in order,
 * synchronously when a size limit is reached and from a timer when the batch timeout expires.
 */
export class BlockCutter {
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly cutting: BlockCutting, private readonly onBatch: (envelopes: Uint8Array[]) => void) {}

  order(envelope: Uint8Array): void {
    const size = envelope.byteLength;
    if (size > this.cutting.absoluteMaxBytes) {
      throw new EnvelopeTooLargeError(`the transaction is ${size} bytes, larger than the channel's AbsoluteMaxBytes (${this.cutting.absoluteMaxBytes})`);
    }
    // As Fabric: a message larger than PreferredMaxBytes goes in a block of its own, and one that
    // would push the pending batch over the limit first cuts what is pending.
    if (size > this.cutting.preferredMaxBytes) {
      this.cut();
      this.onBatch([envelope]);
      return;
    }
    if (this.pendingBytes + size > this.cutting.preferredMaxBytes) this.cut();
    this.pending.push(envelope);
    this.pendingBytes += size;
    if (this.pending.length >= this.cutting.maxMessageCount) this.cut();
    else if (!this.timer) this.timer = setTimeout(() => this.cut(), this.cutting.batchTimeoutMs);
  }

  /** Cuts what is pending now (also used on shutdown). */
  cut(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    this.onBatch(batch);
  }

}
