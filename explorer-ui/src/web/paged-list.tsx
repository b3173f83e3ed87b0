import { useEffect, useRef, useState } from 'preact/hooks';
import type { CursorPage } from './growing-list';
import { t } from './i18n';
import { Problem } from './ui';

/** What a list read by cursor holds so far, and how to read more of it. */
export interface Pages<T> {
  readonly rows: readonly T[];
  /** The first page is being read (nothing to show yet). */
  readonly loading: boolean;
  /** A later page is being read. */
  readonly loadingMore: boolean;
  /** Whether the server has more after what is shown. */
  readonly hasMore: boolean;
  readonly problem: Error | undefined;
  more(): void;
  retry(): void;
}

/**
 * A list read a page at a time with the server's cursor and grown on request ("more"): for lists
 * whose entries are tall and open up (a citizen's log, a license's timeline), which the fixed-row
 * virtual list cannot hold. A new `query` (the filters) starts over from the first page, and an
 * answer to an older query is dropped, so what is shown always matches the filters shown.
 */
export function usePages<T>(query: string, load: (cursor: string | undefined) => Promise<CursorPage<T>>): Pages<T> {
  const [rows, setRows] = useState<readonly T[]>([]);
  // The query the rows answer: on the render where the query changes, before the effect starts
  // reading, the rows held are an older query's, and none of them is shown.
  const [rowsFor, setRowsFor] = useState<string | undefined>();
  const [next, setNext] = useState<string | undefined>();
  const [reading, setReading] = useState<'first' | 'more' | undefined>('first');
  const [problem, setProblem] = useState<Error | undefined>();
  const round = useRef(0);

  const read = (cursor: string | undefined) => {
    const mine = ++round.current;
    setReading(cursor === undefined ? 'first' : 'more');
    setProblem(undefined);
    load(cursor).then((page) => {
      if (round.current !== mine) return;
      setRows((shown) => (cursor === undefined ? [...page.rows] : [...shown, ...page.rows]));
      setRowsFor(query);
      setNext(page.next);
      setReading(undefined);
    }, (error: Error) => {
      if (round.current !== mine) return;
      setProblem(error);
      setReading(undefined);
    });
  };
  useEffect(() => {
    setRows([]);
    setNext(undefined);
    read(undefined);
  }, [query]);

  const current = rowsFor === query;
  return {
    rows: current ? rows : [],
    loading: reading === 'first' || !current,
    loadingMore: reading === 'more',
    hasMore: next !== undefined,
    problem,
    more: () => reading === undefined && next !== undefined && read(next),
    retry: () => read(rows.length > 0 ? next : undefined),
  };
}

/** The end of a paged list: a "more" button while the server has more, else how many were read; a failure with a retry. */
export function MoreControl<T>({ pages, testId }: { pages: Pages<T>; testId: string }) {
  if (pages.problem) return <Problem problem={pages.problem} retry={pages.retry} />;
  if (pages.loading) return <p class="loading" aria-live="polite">{t('loading')}</p>;
  if (pages.hasMore) {
    return <button type="button" class="more" data-testid={`${testId}-more`} onClick={pages.more} disabled={pages.loadingMore}>{pages.loadingMore ? t('loading') : t('loadMore')}</button>;
  }
  return <p class="muted" data-testid={`${testId}-end`} aria-live="polite">{t('end')} ({pages.rows.length})</p>;
}
