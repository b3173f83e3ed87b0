export { migrateOffchainSchema, OFFCHAIN_SCHEMA, INDEXED_TABLES, type IndexedTable } from './schema/offchain-schema';
export { startTrailIndexer, type TrailIndexer, type TrailIndexerOptions, type TrailIndexerStatus, type IndexProgress } from './trails-index/trail-indexer';
export { readCheckpoint, FRESH_CHECKPOINT, type IndexCheckpoint } from './trails-index/checkpoint';
export { TRAIL_EVENT_NAMES, subjectReference, type LedgerRecord, type LedgerPosition } from './trails-index/ledger-record';
export { newTrailQueries, type TrailQueries, type TrailSearch, type SubjectLogFilter, type AuthorizationSearch, type ObjectionSearch, type Indexed, type IndexFreshness } from './queries/trail-queries';
export { InvalidQueryError, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type Page, type PageRequest } from './queries/page';
export { reconcileTrailIndex, reconcileTrailIndexAt, type ReconcileOptions, type ReconcileReport, type Mismatch } from './reconcile/reconcile-index';
export { loadCreditServiceConfig, type CreditServiceConfig } from './config';
export { startOffchainIndex, type OffchainIndex } from './offchain-index';
