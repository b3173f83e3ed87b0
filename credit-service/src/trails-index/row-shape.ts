import type { IndexedTable } from '../schema/offchain-schema';
import type { LedgerRecord } from './ledger-record';

/** A table's columns with their SQL types, in the order of the migration. */
export type ColumnTypes = Readonly<Record<string, string>>;

/** One table's row as the writer sends it to Postgres (JSON values, cast by the column types). */
export type Row = Record<string, string | number | boolean | readonly string[] | null>;

export interface TableRows {
  readonly table: IndexedTable;
  readonly key: string;
  readonly columns: ColumnTypes;
  /** Whether a later event replaces the row (a record with versions) or the first one stays. */
  readonly versioned: boolean;
  row(record: LedgerRecord): Row;
}

/** Where the row's record is on the ledger, and the record itself. */
export const position = (record: LedgerRecord) => ({ record: record.payload, block_number: record.blockNumber.toString(), transaction_id: record.transactionId });
export const positionColumns = { record: 'text', block_number: 'bigint', transaction_id: 'text' };
