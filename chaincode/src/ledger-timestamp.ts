/**
 * A protobuf Timestamp as the shim hands it over: `getTxTimestamp()` gives `seconds` as a Long,
 * a history entry's `timestamp` (from `toObject()`) gives it as a number. Both print as decimals.
 */
export interface LedgerTimestamp {
  readonly seconds: number | { toString(): string };
  readonly nanos: number;
}

const NANOS_PER_SECOND = 1_000_000_000;

/**
 * RFC 3339 text of a ledger timestamp with all nine fraction digits, e.g.
 * `2026-03-01T08:00:00.123456789Z`. Nothing is rounded away, so every endorser of a transaction
 * produces the same text, and two transactions in the same millisecond stay distinct.
 */
export function isoTimestamp(timestamp: LedgerTimestamp): string {
  const seconds = Number(timestamp.seconds.toString());
  const { nanos } = timestamp;
  if (!Number.isSafeInteger(seconds) || !Number.isInteger(nanos) || nanos < 0 || nanos >= NANOS_PER_SECOND) {
    throw new RangeError(`not a valid ledger timestamp: seconds ${timestamp.seconds.toString()}, nanos ${nanos}`);
  }
  const wholeSeconds = new Date(seconds * 1000).toISOString().replace(/\.000Z$/, '');
  return `${wholeSeconds}.${String(nanos).padStart(9, '0')}Z`;
}
