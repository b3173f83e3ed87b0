import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { rowWindow } from '../lists/virtual-window';
import { t } from './i18n';
import { Problem } from './ui';

/** One page of a list that is read a page at a time by cursor (a bookmark, an endCursor). */
export interface CursorPage<T> {
  readonly rows: readonly T[];
  /** The cursor of the next page; undefined on the last. */
  readonly next: string | undefined;
}

/**
 * A long list paged by cursor, which a reader cannot jump into: it grows as the reader nears
 * its end, and stays virtualised (only the rows in view are in the page, however many were
 * read), as the transaction list does. A new `query` starts it over from the first page.
 */
export function GrowingList<T>({ query, load, rowHeight, row, label, testId, empty }: {
  /** Identifies what is listed (the filters); a change reloads from the first page. */
  query: string;
  load(cursor: string | undefined): Promise<CursorPage<T>>;
  rowHeight: number;
  row(item: T, index: number, style: Record<string, string>): ComponentChildren;
  label: string;
  testId: string;
  empty: string;
}) {
  const [rows, setRows] = useState<T[]>([]);
  const [next, setNext] = useState<string | undefined>();
  const [done, setDone] = useState(false);
  const [problem, setProblem] = useState<Error | undefined>();
  const [window, setWindow] = useState({ first: 0, last: 30 });
  const loading = useRef<string | undefined>(undefined);
  const scroller = useRef<HTMLDivElement>(null);

  const loadPage = (cursor: string | undefined) => {
    if (loading.current === `${query}|${cursor ?? ''}`) return;
    const round = `${query}|${cursor ?? ''}`;
    loading.current = round;
    load(cursor).then((page) => {
      if (loading.current !== round) return; // a newer query started over meanwhile
      setRows((current) => (cursor === undefined ? [...page.rows] : [...current, ...page.rows]));
      setNext(page.next);
      setDone(page.next === undefined);
    }, (error: Error) => loading.current === round && setProblem(error));
  };
  useEffect(() => {
    setRows([]);
    setNext(undefined);
    setDone(false);
    setProblem(undefined);
    scroller.current?.scrollTo(0, 0);
    loadPage(undefined);
  }, [query]);
  const measure = () => {
    const element = scroller.current;
    if (element) setWindow(rowWindow(rows.length, rowHeight, element.scrollTop, element.clientHeight));
  };
  useEffect(measure, [rows.length]);
  useEffect(() => {
    if (next !== undefined && window.last >= rows.length - 10) loadPage(next);
  }, [window, next]);

  if (problem) return <Problem problem={problem} retry={() => { loading.current = undefined; setProblem(undefined); loadPage(rows.length ? next : undefined); }} />;
  if (done && rows.length === 0) return <p data-testid={`${testId}-empty`}>{empty}</p>;
  const visible = [];
  for (let index = window.first; index < Math.min(window.last, rows.length); index++) {
    visible.push(row(rows[index]!, index, { top: `${index * rowHeight}px`, height: `${rowHeight}px` }));
  }
  return (
    <>
      <div class="virtual" ref={scroller} onScroll={measure} data-testid={testId} data-rows={rows.length} data-complete={String(done)} aria-label={label} tabIndex={0}
        style={{ height: `min(70vh, ${Math.max(1, rows.length) * rowHeight + 2}px)` /* a short answer gets a short list */ }}>
        <div style={{ height: `${rows.length * rowHeight}px`, position: 'relative' }}>{visible}</div>
      </div>
      <p class="muted" aria-live="polite">{done ? `${t('end')} (${rows.length})` : t('loading')}</p>
    </>
  );
}
