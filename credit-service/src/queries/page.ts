/**
 * A page request: at most `limit` entries (1 to 500, default 50), newest first, after the entry
 * whose id the previous page's `next` gave. Keyset paging, so page 200 costs what page 1 costs.
 */
export interface PageRequest {
  readonly limit?: number;
  readonly after?: string;
}

/** One page, newest first; `next` is the `after` of the following page, null on the last. */
export interface Page<T> {
  readonly entries: readonly T[];
  readonly next: string | null;
}

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

/** A query the index cannot answer as asked: `field` names what to fix. */
export class InvalidQueryError extends Error {
  override readonly name = 'InvalidQueryError';

  constructor(readonly field: string, problem: string) {
    super(`${field} ${problem}`);
  }
}

export function pageSize(page: PageRequest): number {
  const limit = page.limit ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) throw new InvalidQueryError('limit', `must be a whole number from 1 to ${MAX_PAGE_SIZE}, got ${limit}`);
  return limit;
}

/** The conditions of one query, with their parameters numbered as they are added. */
export class Conditions {
  readonly sql: string[] = [];
  readonly params: unknown[] = [];

  /** Adds `condition(placeholder)` with `value` when the value is given. */
  add(value: unknown, condition: (placeholder: string) => string): this {
    if (value === undefined) return this;
    this.params.push(value);
    this.sql.push(condition(`$${this.params.length}`));
    return this;
  }

  where(): string {
    return this.sql.length === 0 ? '' : `WHERE ${this.sql.join(' AND ')}`;
  }
}

/** A period's bounds as the same instants in UTC. */
export interface TimeWindow {
  readonly from?: string;
  readonly until?: string;
}

const RFC3339 = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Checks an RFC 3339 time bound and the window it makes, and gives the bounds back in UTC: RFC
 * 3339 allows any offset up to ±23:59, Postgres none beyond ±15:59, so a bound such as
 * 2027-01-01T00:00:00-16:16 goes to the database as the instant it names. Fraction digits are
 * kept (an offset is whole minutes), since the ledger's times carry nine.
 */
export function timeWindow(from: string | undefined, until: string | undefined): TimeWindow {
  const utc = (field: 'from' | 'until', value: string | undefined): string | undefined => {
    if (value === undefined) return undefined;
    const [, dateTime = '', fraction = '.', offset = ''] = RFC3339.exec(value) ?? [];
    const instant = Date.parse(`${dateTime}${offset}`);
    // Date.parse rolls 2027-02-30 over into March; a calendar date that does not exist is refused.
    if (Number.isNaN(instant) || !new Date(`${dateTime}Z`).toISOString().startsWith(dateTime)) {
      throw new InvalidQueryError(field, `must be an RFC 3339 date-time such as 2027-01-01T00:00:00Z, got ${JSON.stringify(value)}`);
    }
    // Postgres has no year 0 and the ledger no time before 1970: such a bound is a mistake, not a query.
    if (instant < 0) throw new InvalidQueryError(field, `must be in 1970 or later, got ${JSON.stringify(value)}`);
    // Nine fraction digits always, so that two bounds compare as strings.
    return `${new Date(instant).toISOString().slice(0, 19)}.${fraction.slice(1).padEnd(9, '0')}Z`;
  };
  const window = { from: utc('from', from), until: utc('until', until) };
  if (window.from !== undefined && window.until !== undefined && window.until <= window.from) {
    throw new InvalidQueryError('until', `must be after from (${from})`);
  }
  return { ...(window.from !== undefined ? { from: window.from } : {}), ...(window.until !== undefined ? { until: window.until } : {}) };
}
