import { useEffect, useRef, useState } from 'preact/hooks';
import { pagesOf, rowWindow } from '../../lists/virtual-window';
import { api, ApiProblem } from '../api';
import { formatTime, t } from '../i18n';
import { Hash, Problem, Show, useLoaded } from '../ui';

export interface BlockSummary { number: number; time?: string; transactionCount: number; validCount: number; dataHash: string; previousHash: string }
export interface TransactionSummary {
  transactionId: string; blockNumber: number; index: number; time: string; type: string; creator: string;
  contract?: string; function?: string; validationCode: string; sealed: boolean;
}

const rowHeight = 40;
const pageSize = 50;

/**
 * Every block, newest first, in a virtualised list: the list is as tall as all the blocks, but
 * only the rows in view are rendered, and only the pages they fall in are fetched (by block
 * number, keyset-paged), so 100,000 blocks scroll as smoothly as 10.
 */
export function BlocksView() {
  const [height, setHeight] = useState<number | undefined>();
  const [pages, setPages] = useState(new Map<number, BlockSummary[]>());
  const [problem, setProblem] = useState<Error | undefined>();
  const [window, setWindow] = useState({ first: 0, last: 0 });
  const scroller = useRef<HTMLDivElement>(null);
  const requested = useRef(new Set<number>());

  const measure = () => {
    const element = scroller.current;
    if (element && height !== undefined) setWindow(rowWindow(height, rowHeight, element.scrollTop, element.clientHeight));
  };
  useEffect(() => {
    api<{ height: number; blocks: BlockSummary[] }>('GET', `/api/v1/blocks?limit=${pageSize}`).then((page) => {
      requested.current.add(0);
      setPages(new Map([[0, page.blocks]]));
      setHeight(page.height);
    }, setProblem);
  }, []);
  useEffect(measure, [height]);
  useEffect(() => {
    if (height === undefined) return;
    for (const page of pagesOf(window, pageSize)) {
      if (requested.current.has(page)) continue;
      requested.current.add(page);
      api<{ blocks: BlockSummary[] }>('GET', `/api/v1/blocks?limit=${pageSize}&before=${height - page * pageSize}`).then(
        (loaded) => setPages((current) => new Map(current).set(page, loaded.blocks)),
        (error: Error) => {
          requested.current.delete(page);
          setProblem(error);
        },
      );
    }
  }, [window, height]);

  if (problem) return <section><h1>{t('blocksTitle')}</h1><Problem problem={problem} retry={() => location.reload()} /></section>;
  if (height === undefined) return <section><h1>{t('blocksTitle')}</h1><p class="loading">{t('loading')}</p></section>;
  const rows = [];
  for (let row = window.first; row < window.last; row++) {
    const block = pages.get(Math.floor(row / pageSize))?.[row % pageSize];
    const number = height - 1 - row;
    rows.push(
      <a key={number} class="row" href={`#/blocks/${number}`} style={{ top: `${row * rowHeight}px`, height: `${rowHeight}px` }} data-row={row}>
        <span class="num">#{number}</span>
        <span>{block ? formatTime(block.time) : '…'}</span>
        <span>{block ? `${block.validCount}/${block.transactionCount}` : ''}</span>
        <span class="wide">{block ? <Hash value={block.dataHash} /> : ''}</span>
      </a>,
    );
  }
  return (
    <section aria-labelledby="blocks-title">
      <h1 id="blocks-title">{t('blocksTitle')} <small>({height})</small></h1>
      <div class="row header"><span>{t('block')}</span><span>{t('time')}</span><span>{t('validCount')}/{t('transactionCount')}</span><span class="wide">{t('dataHash')}</span></div>
      <div class="virtual" ref={scroller} onScroll={measure} aria-label={t('blocksTitle')} data-testid="blocks-list" data-loaded-pages={pages.size} tabIndex={0}>
        <div style={{ height: `${height * rowHeight}px`, position: 'relative' }}>{rows}</div>
      </div>
    </section>
  );
}

/** One block and its transactions. */
export function BlockView({ number }: { number: string }) {
  const [loaded, reload] = useLoaded(() => {
    if (!/^\d+$/.test(number)) return Promise.reject(new ApiProblem(404, 'not_found', `"${number}" is not a block number`));
    return api<{ block: BlockSummary; transactions: TransactionSummary[] }>('GET', `/api/v1/blocks/${number}`);
  }, [number]);
  return (
    <section>
      <h1>{t('block')} #{number}</h1>
      <Show loaded={loaded} retry={reload}>{({ block, transactions }) => (
        <>
          <dl class="facts">
            <dt>{t('time')}</dt><dd>{formatTime(block.time)}</dd>
            <dt>{t('dataHash')}</dt><dd><code>{block.dataHash}</code></dd>
            <dt>{t('previousHash')}</dt><dd><code>{block.previousHash}</code></dd>
            <dt>{t('validCount')}</dt><dd>{block.validCount}/{block.transactionCount}</dd>
          </dl>
          <TransactionTable transactions={transactions} />
        </>
      )}</Show>
    </section>
  );
}

export function TransactionTable({ transactions }: { transactions: TransactionSummary[] }) {
  return (
    <table>
      <thead><tr><th>{t('transaction')}</th><th>{t('time')}</th><th>{t('creator')}</th><th>{t('contractFunction')}</th><th>{t('validationCode')}</th><th>{t('sealed')}</th></tr></thead>
      <tbody>{transactions.map((tx) => (
        <tr key={tx.transactionId}>
          <td><a href={`#/transactions/${tx.transactionId}`}><Hash value={tx.transactionId} /></a></td>
          <td>{formatTime(tx.time)}</td><td>{tx.creator}</td>
          <td>{tx.contract ? `${tx.contract}:${tx.function}` : tx.type}</td>
          <td class={tx.validationCode === 'VALID' ? 'ok' : 'bad'}>{tx.validationCode}</td>
          <td>{tx.sealed ? 'SM2' : ''}</td>
        </tr>
      ))}</tbody>
    </table>
  );
}
