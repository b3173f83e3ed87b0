import type { DataSubject } from '@citytrust/shared';

/**
 * Where a data item's content comes from: the owning department's system (一数一源). The gateway
 * calls a source only after the ledger has said the access is authorized, and returns what it
 * gave only after the access is recorded. Deployments plug in one adapter per owning department.
 */
export interface DataSource {
  /** The items' content for the subject, by item code. */
  fetch(owner: string, subject: DataSubject, items: readonly string[]): Promise<Record<string, unknown>>;
}
