/**
 * Which rows of a long list are on screen, and which pages of rows to fetch for them: the
 * arithmetic behind the explorer's virtualised lists. A list of 100,000 rows renders only the
 * few dozen in view (plus a margin) and fetches only the pages those rows fall in, wherever the
 * reader scrolls. Plain functions, so they are tested in Node (virtual-window.test.ts).
 */
export interface RowWindow {
  /** First row rendered (inclusive). */
  readonly first: number;
  /** Last row rendered (exclusive). */
  readonly last: number;
}

/** The rows to render for a scroll position, with `overscan` rows above and below the viewport. */
export function rowWindow(total: number, rowHeight: number, scrollTop: number, viewportHeight: number, overscan = 10): RowWindow {
  const top = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const bottom = Math.min(total, Math.ceil((scrollTop + viewportHeight) / rowHeight) + overscan);
  return { first: Math.min(top, total), last: Math.max(bottom, Math.min(top, total)) };
}

/** The page numbers (of `pageSize` rows each) that hold the rows of `window`. */
export function pagesOf(window: RowWindow, pageSize: number): number[] {
  if (window.last <= window.first) return [];
  const pages: number[] = [];
  for (let page = Math.floor(window.first / pageSize); page * pageSize < window.last; page++) pages.push(page);
  return pages;
}
