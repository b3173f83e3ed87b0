import type { Page } from 'playwright-core';

/**
 * Scrolls one of the explorer's virtualised lists from its top to its very end in steps, as a
 * reader flicking down would, and reports what the page held on the way. Runs in the page, so
 * a step's time is the browser's own: from setting the scroll position until the frame after the
 * rows for that position are in the DOM, including any page the list had to read first.
 *
 * The list is a `.virtual` scroller whose `data-rows` says how many rows it has read, whose
 * `data-rows-held` how many of them it keeps in memory, and whose
 * `data-complete` says it read the last page; its rows are absolutely placed children of its
 * one inner element, each with its own `top` and the list's one row `height`.
 */
export interface ScrollReport {
  readonly steps: number;
  /** Each step's time, in milliseconds, for the steps that scrolled over rows already read. */
  readonly stepMs: readonly number[];
  /** Each step's time for the steps that waited for the list to read another page. */
  readonly readingStepMs: readonly number[];
  /** The most rows in the DOM at any step. */
  readonly mostRowsInDom: number;
  /** The most rows the list kept in memory at any step (`data-rows-held`). */
  readonly mostRowsHeld: number;
  /** The most elements in the whole document at any step. */
  readonly mostDomElements: number;
  /** Rows the list had read by the end (`data-rows`). */
  readonly rowsRead: number;
  /** Whether the list read its last page and shows its last row at the bottom of the scroller. */
  readonly reachedEnd: boolean;
  /** `keyAttribute` of the last row shown. */
  readonly lastRowKey: string | null;
}

export interface ScrollOptions {
  /** The list's `data-testid`. */
  readonly testId: string;
  /** How far one step scrolls, in pixels. */
  readonly stepPx: number;
  /** The rows' attribute that names them, reported for the last row. */
  readonly keyAttribute: string;
  /** Longest a step may take before the scroll is declared stuck. */
  readonly stepTimeoutMs?: number;
  /** Called in Node between batches of steps (progress), with the rows read so far. */
  readonly onProgress?: (rowsHeld: number) => void;
}

const STEPS_PER_BATCH = 100;

export async function scrollToEnd(page: Page, options: ScrollOptions): Promise<ScrollReport> {
  const { onProgress, ...inPage } = options;
  const total: { stepMs: number[]; readingStepMs: number[]; mostRowsInDom: number; mostRowsHeld: number; mostDomElements: number } = { stepMs: [], readingStepMs: [], mostRowsInDom: 0, mostRowsHeld: 0, mostDomElements: 0 };
  // Batches keep each evaluate short (and let Node say how far it got); the page keeps no state between them.
  for (;;) {
    const batch = await page.evaluate(scrollSteps, { ...inPage, stepTimeoutMs: options.stepTimeoutMs ?? 10_000, steps: STEPS_PER_BATCH });
    total.stepMs.push(...batch.stepMs);
    total.readingStepMs.push(...batch.readingStepMs);
    total.mostRowsInDom = Math.max(total.mostRowsInDom, batch.mostRowsInDom);
    total.mostRowsHeld = Math.max(total.mostRowsHeld, batch.mostRowsHeld);
    total.mostDomElements = Math.max(total.mostDomElements, batch.mostDomElements);
    onProgress?.(batch.rowsRead);
    if (batch.reachedEnd) return { ...total, steps: total.stepMs.length + total.readingStepMs.length, rowsRead: batch.rowsRead, reachedEnd: true, lastRowKey: batch.lastRowKey };
  }
}

type BatchOptions = Omit<ScrollOptions, 'onProgress'> & { readonly stepTimeoutMs: number; readonly steps: number };
type BatchReport = Omit<ScrollReport, 'steps'>;

/** Up to `steps` steps down the list, or fewer if its end comes first. Serialised into the page: it uses nothing from outside. */
async function scrollSteps({ testId, stepPx, keyAttribute, stepTimeoutMs, steps }: BatchOptions): Promise<BatchReport> {
  const list = document.querySelector<HTMLElement>(`[data-testid="${testId}"]`);
  if (!list) throw new Error(`no list with data-testid "${testId}" is on the page`);
  const nextFrame = () => new Promise<number>((resolve) => requestAnimationFrame(resolve));
  // Called while a frame's callbacks run: a message posted then is delivered once that frame is laid out and painted.
  const afterThisFrame = () => new Promise<void>((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(undefined);
  });
  const read = () => Number(list.dataset.rows);
  // A row held for a page being read again (aria-busy) is not yet shown.
  const rows = () => (Array.from(list.firstElementChild?.children ?? []) as HTMLElement[]).filter((row) => row.getAttribute('aria-busy') !== 'true');
  const rowHeight = parseFloat(rows()[0]?.style.height ?? '');
  if (!(rowHeight > 0)) throw new Error(`the list "${testId}" shows no row yet: wait for its first page before scrolling it`);
  const atBottom = () => list.scrollTop + list.clientHeight >= list.scrollHeight - 1;
  /** The rows in the DOM cover the scroller's view from top to bottom (or to the list's last row). */
  const viewCovered = () => {
    const tops = rows().map((row) => parseFloat(row.style.top));
    if (tops.length === 0) return false;
    const lastRowTop = (read() - 1) * rowHeight;
    return Math.min(...tops) <= list.scrollTop && Math.max(...tops) + rowHeight >= Math.min(list.scrollTop + list.clientHeight, lastRowTop + rowHeight);
  };
  const reachedEnd = () => list.dataset.complete === 'true' && atBottom() && viewCovered();
  const report = { stepMs: [] as number[], readingStepMs: [] as number[], mostRowsInDom: 0, mostRowsHeld: 0, mostDomElements: 0 };
  for (let step = 0; step < steps && !reachedEnd(); step++) {
    const target = list.scrollTop + stepPx;
    const readBefore = read();
    const started = performance.now();
    list.scrollTop = target;
    for (;;) {
      // Scroll events are dispatched, and the list renders what they ask, before a frame's callbacks.
      await nextFrame();
      // A list that grew while it was at its bottom scrolls on to where the step was going.
      const reachable = Math.min(target, list.scrollHeight - list.clientHeight);
      if (list.scrollTop < reachable - 1) list.scrollTop = reachable;
      else if (viewCovered() && (list.scrollTop >= target - 1 || list.dataset.complete === 'true')) break;
      if (performance.now() - started > stepTimeoutMs) throw new Error(`a scroll step to ${target}px did not settle within ${stepTimeoutMs} ms: at ${list.scrollTop}px of ${list.scrollHeight}px, ${read()} rows read`);
    }
    await afterThisFrame(); // the frame that shows them
    (read() > readBefore ? report.readingStepMs : report.stepMs).push(performance.now() - started);
    report.mostRowsInDom = Math.max(report.mostRowsInDom, list.firstElementChild?.children.length ?? 0);
    report.mostRowsHeld = Math.max(report.mostRowsHeld, Number(list.dataset.rowsHeld));
    report.mostDomElements = Math.max(report.mostDomElements, document.getElementsByTagName('*').length);
  }
  const last = rows().reduce<HTMLElement | undefined>((lowest, row) => (!lowest || parseFloat(row.style.top) > parseFloat(lowest.style.top) ? row : lowest), undefined);
  return { ...report, rowsRead: read(), reachedEnd: reachedEnd(), lastRowKey: last?.getAttribute(keyAttribute) ?? null };
}
