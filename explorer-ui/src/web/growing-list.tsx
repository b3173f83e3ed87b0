import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { keepNear, nextPage, noPages, pagesMissing, rowAt, rowsHeld, withPage } from '../lists/cursor-pages';
import { rowWindow } from '../lists/virtual-window';
import { t } from './i18n';
import { Problem } from './ui';

/** One page of a list that is read a page at a time by cursor (a bookmark, an endCursor). */
export interface CursorPage<T> {
  readonly rows: readonly T[];
  /** The cursor of the next page; undefined on the last. */
  readonly next: string | undefined;
}

/** Rows kept either side of the window: two of the trace's pages, so a flick back finds them held. */
const KEPT_MARGIN_ROWS = 200;

/**
 * A long list paged by cursor, which a reader cannot jump into: it grows as the reader nears
 * its end, and stays virtualised both in the page (only the rows in view are rendered) and in
 * memory (only the pages near the view are kept, each dropped page read again by its cursor if
 * the reader scrolls back to it), however many rows were read. A new `query` starts it over
 * from the first page.
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
  const [pages, setPages] = useState(noPages<T>());
  const [problem, setProblem] = useState<Error | undefined>();
  const [window, setWindow] = useState({ first: 0, last: 30 });
  /** Pages being read for the current query; a new query empties it and ignores older answers. */
  const reading = useRef({ query, pages: new Set<number>() });
  const scroller = useRef<HTMLDivElement>(null);

  const read = (page: number, cursor: string | undefined) => {
    const round = reading.current;
    if (round.pages.has(page)) return;
    round.pages.add(page);
    load(cursor).then((answer) => {
      if (reading.current !== round) return; // a newer query started over meanwhile
      round.pages.delete(page);
      setPages((current) => withPage(current, page, answer.rows, answer.next));
    }, (error: Error) => {
      if (reading.current !== round) return;
      round.pages.delete(page);
      setProblem(error);
    });
  };
  /** Reads the pages the window shows that are not held, and the next page when the window nears the end. */
  const readForWindow = () => {
    for (const page of pagesMissing(pages, window)) read(page, pages.cursors[page]);
    const next = nextPage(pages);
    if (next && window.last >= pages.total - 10) read(next.page, next.cursor);
  };
  const startOver = () => {
    reading.current = { query, pages: new Set() };
    setProblem(undefined);
    scroller.current?.scrollTo(0, 0);
    read(0, undefined);
  };
  useEffect(() => {
    setPages(noPages());
    startOver();
  }, [query]);
  // A page read again no longer matched: the list changed while it was read, so read it anew
  // rather than show pages that no longer follow each other (rows skipped or twice).
  useEffect(() => {
    if (pages.changed) startOver();
  }, [pages.changed]);
  const measure = () => {
    const element = scroller.current;
    if (element) setWindow(rowWindow(pages.total, rowHeight, element.scrollTop, element.clientHeight));
  };
  useEffect(measure, [pages.total]);
  useEffect(() => {
    setPages((current) => keepNear(current, window, KEPT_MARGIN_ROWS));
    if (pages.starts.length > 0) readForWindow();
  }, [window, pages.total]);

  if (problem) return <Problem problem={problem} retry={() => { setProblem(undefined); if (pages.starts.length === 0) read(0, undefined); else readForWindow(); }} />;
  if (pages.complete && pages.total === 0) return <p data-testid={`${testId}-empty`}>{empty}</p>;
  const visible = [];
  for (let index = window.first; index < Math.min(window.last, pages.total); index++) {
    const style = { top: `${index * rowHeight}px`, height: `${rowHeight}px` };
    const item = rowAt(pages, index);
    // A row whose page was dropped and is being read again holds its place until it comes.
    visible.push(item === undefined ? <div key={`pending ${index}`} class="pending" style={style} aria-busy="true" /> : row(item, index, style));
  }
  return (
    <>
      <div class="virtual" ref={scroller} onScroll={measure} data-testid={testId} data-rows={pages.total} data-rows-held={rowsHeld(pages)} data-complete={String(pages.complete)} aria-label={label} tabIndex={0}
        style={{ height: `min(70vh, ${Math.max(1, pages.total) * rowHeight + 2}px)` /* a short answer gets a short list */ }}>
        <div style={{ height: `${pages.total * rowHeight}px`, position: 'relative' }}>{visible}</div>
      </div>
      <p class="muted" aria-live="polite">{pages.changed ? t('listChanged') : pages.complete ? `${t('end')} (${pages.total})` : t('loading')}</p>
    </>
  );
}
