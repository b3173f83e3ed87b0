/**
 * The embedded ledger's durable storage: block files, their index, state and history in one
 * LevelDB, and crash recovery on open. See README.md for the on-disk format.
 */
export { openLedgerStore, DEFAULT_MAX_BLOCK_FILE_BYTES } from './ledger-store';
export type { LedgerStore, LedgerStoreOptions, TransactionRecord } from './ledger-store';
export { BlockFileCorruptionError } from './recovery';
export { blockTransactions, validTransactionWrites } from './block-writes';
export type { BlockTransaction } from './block-writes';
