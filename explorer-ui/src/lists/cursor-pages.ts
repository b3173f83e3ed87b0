import type { RowWindow } from './virtual-window';

/**
 * The pages of a list read by cursor (a bookmark, an endCursor) that the reader has reached:
 * where each starts and the cursor that reads it, but the rows of only those near the window.
 * A reader who scrolls through 100,000 rows keeps a few hundred in memory, not all they passed;
 * scrolling back reads a dropped page again by its cursor. Plain functions over an immutable
 * value, so a component can hold it in state and Node can test it (cursor-pages.test.ts).
 */
export interface CursorPages<T> {
  /** The first row of each page reached, in order. */
  readonly starts: readonly number[];
  /** The cursor that reads each page reached (undefined for the first). */
  readonly cursors: readonly (string | undefined)[];
  /** The rows of the pages held, by page number. */
  readonly held: ReadonlyMap<number, readonly T[]>;
  /** Rows in the pages reached. */
  readonly total: number;
  /** The cursor of the page after the last reached; undefined once the last page is read. */
  readonly next: string | undefined;
  /** Whether the last page has been read. */
  readonly complete: boolean;
  /**
   * Set (on an empty list) when a page read again no longer matches what was read before: rows
   * were added or removed in between, so the pages after it no longer follow it, and rows could
   * be skipped or shown twice. The list must be read again from its first page.
   */
  readonly changed?: true;
}

export function noPages<T>(): CursorPages<T> {
  return { starts: [], cursors: [], held: new Map(), total: 0, next: undefined, complete: false };
}

/** The page to read for the list to grow: the one after the last reached, with its cursor. */
export function nextPage<T>(pages: CursorPages<T>): { readonly page: number; readonly cursor: string | undefined } | undefined {
  if (pages.complete) return undefined;
  return { page: pages.starts.length, cursor: pages.starts.length === 0 ? undefined : pages.next };
}

/**
 * `pages` with page `page` read: the next one reached (it grows the list) or one read again. A
 * page read again must have as many rows and lead to the same next cursor as when it was first
 * read; otherwise the list changed underneath, and the answer is an empty list marked `changed`.
 */
export function withPage<T>(pages: CursorPages<T>, page: number, rows: readonly T[], next: string | undefined): CursorPages<T> {
  const held = new Map(pages.held).set(page, rows);
  if (page < pages.starts.length) {
    const end = page + 1 < pages.starts.length ? pages.starts[page + 1]! : pages.total;
    const nextCursor = page + 1 < pages.cursors.length ? pages.cursors[page + 1] : pages.next;
    if (rows.length !== end - pages.starts[page]! || next !== nextCursor) return { ...noPages<T>(), changed: true };
    return { ...pages, held };
  }
  if (page !== pages.starts.length) throw new Error(`page ${page} is not the next page (${pages.starts.length}): read the pages of a cursor list in order`);
  const cursor = nextPage(pages)!.cursor;
  return { starts: [...pages.starts, pages.total], cursors: [...pages.cursors, cursor], held, total: pages.total + rows.length, next, complete: next === undefined };
}

/** The page holding row `row`, or -1 past the pages reached. */
function pageOf<T>(pages: CursorPages<T>, row: number): number {
  if (row < 0 || row >= pages.total) return -1;
  let low = 0;
  let high = pages.starts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (pages.starts[middle]! <= row) low = middle;
    else high = middle - 1;
  }
  return low;
}

/** Row `row` if its page is held. */
export function rowAt<T>(pages: CursorPages<T>, row: number): T | undefined {
  const page = pageOf(pages, row);
  return page < 0 ? undefined : pages.held.get(page)?.[row - pages.starts[page]!];
}

/** The pages reached that hold rows of `window` but are not held: to read again by their cursors. */
export function pagesMissing<T>(pages: CursorPages<T>, window: RowWindow): number[] {
  if (window.last <= window.first || pages.total === 0) return [];
  const missing: number[] = [];
  const last = pageOf(pages, Math.min(window.last, pages.total) - 1);
  for (let page = Math.max(0, pageOf(pages, window.first)); page >= 0 && page <= last; page++) {
    if (!pages.held.has(page)) missing.push(page);
  }
  return missing;
}

/**
 * `pages` holding only the pages with a row within `marginRows` of `window`; the same value when
 * nothing is dropped, so a component's state does not change for nothing.
 */
export function keepNear<T>(pages: CursorPages<T>, window: RowWindow, marginRows: number): CursorPages<T> {
  const from = window.first - marginRows;
  const until = window.last + marginRows;
  const held = new Map([...pages.held].filter(([page]) => {
    const start = pages.starts[page]!;
    const end = pages.starts[page + 1] ?? pages.total;
    return end > from && start < until;
  }));
  return held.size === pages.held.size ? pages : { ...pages, held };
}

/** Rows held in memory. */
export function rowsHeld<T>(pages: CursorPages<T>): number {
  let rows = 0;
  for (const page of pages.held.values()) rows += page.length;
  return rows;
}
