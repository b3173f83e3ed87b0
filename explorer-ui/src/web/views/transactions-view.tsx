import { useEffect, useRef, useState } from 'preact/hooks';
import { rowWindow } from '../../lists/virtual-window';
import { api, ApiProblem } from '../api';
import { formatTime, t } from '../i18n';
import { Hash, Problem, Show, useLoaded } from '../ui';
import type { TransactionSummary } from './blocks-view';

const rowHeight = 40;
const pageSize = 100;

/**
 * Every transaction, newest first. Transactions are paged by position (`next`), which a reader
 * cannot jump into, so the list grows as the reader nears its end, and stays virtualised: only
 * the rows in view are in the page, however many were read.
 */
export function TransactionsView() {
  const [rows, setRows] = useState<TransactionSummary[]>([]);
  const [next, setNext] = useState<string | undefined>('');
  const [problem, setProblem] = useState<Error | undefined>();
  const [window, setWindow] = useState({ first: 0, last: 30 });
  const loading = useRef(false);
  const scroller = useRef<HTMLDivElement>(null);

  const loadMore = (cursor: string) => {
    if (loading.current) return;
    loading.current = true;
    api<{ transactions: TransactionSummary[]; next: string }>('GET', `/api/v1/transactions?limit=${pageSize}${cursor ? `&before=${cursor}` : ''}`).then((page) => {
      setRows((current) => [...current, ...page.transactions]);
      setNext(page.next || undefined);
    }, setProblem).finally(() => {
      loading.current = false;
    });
  };
  useEffect(() => loadMore(''), []);
  const measure = () => {
    const element = scroller.current;
    if (element) setWindow(rowWindow(rows.length, rowHeight, element.scrollTop, element.clientHeight));
  };
  useEffect(measure, [rows.length]);
  useEffect(() => {
    if (next !== undefined && next !== '' && window.last >= rows.length - 10) loadMore(next);
  }, [window, next]);

  if (problem) return <section><h1>{t('transactionsTitle')}</h1><Problem problem={problem} retry={() => location.reload()} /></section>;
  const visible = [];
  for (let row = window.first; row < Math.min(window.last, rows.length); row++) {
    const tx = rows[row]!;
    visible.push(
      <a key={tx.transactionId} class="row" href={`#/transactions/${tx.transactionId}`} style={{ top: `${row * rowHeight}px`, height: `${rowHeight}px` }}>
        <span class="num">#{tx.blockNumber}.{tx.index}</span>
        <span class="wide"><Hash value={tx.transactionId} /></span>
        <span>{tx.contract ? `${tx.contract}:${tx.function}` : tx.type}</span>
        <span class={tx.validationCode === 'VALID' ? 'ok' : 'bad'}>{tx.validationCode}</span>
      </a>,
    );
  }
  return (
    <section aria-labelledby="transactions-title">
      <h1 id="transactions-title">{t('transactionsTitle')}</h1>
      <div class="row header"><span>{t('block')}</span><span class="wide">{t('transaction')}</span><span>{t('contractFunction')}</span><span>{t('validationCode')}</span></div>
      <div class="virtual" ref={scroller} onScroll={measure} data-testid="transactions-list" aria-label={t('transactionsTitle')} tabIndex={0}>
        <div style={{ height: `${rows.length * rowHeight}px`, position: 'relative' }}>{visible}</div>
      </div>
      <p class="muted">{next === undefined ? t('end') : t('loading')}</p>
    </section>
  );
}

interface TransactionDetail {
  transactionId: string; blockNumber: number; index: number; type: string; time: string;
  creator: { mspId: string; subject: string };
  chaincode?: string; contract?: string; function?: string; validationCode: string;
  endorsements: Array<{ mspId: string; subject: string; signature: string; verified: boolean }>;
  reads: Array<{ namespace: string; key: string; version?: string }>;
  writes: Array<{ namespace: string; key: string; isDelete: boolean }>;
  event?: string;
  seal?: { department: string; keyId: string; digest: string; sealedAt: string };
  sealVerification?: { valid: boolean; checks: Array<{ id: string; passed: boolean; reason: string }> };
}

/** One transaction decoded, with its endorsements' and its seal's checks. */
export function TransactionView({ transactionId }: { transactionId: string }) {
  const [loaded, reload] = useLoaded(() => {
    if (!/^[0-9a-f]{64}$/.test(transactionId)) return Promise.reject(new ApiProblem(404, 'not_found', `"${transactionId}" is not a transaction id (64 hexadecimal digits)`));
    return api<TransactionDetail>('GET', `/api/v1/transactions/${transactionId}`);
  }, [transactionId]);
  return (
    <section>
      <h1>{t('transaction')} <Hash value={transactionId} /></h1>
      <Show loaded={loaded} retry={reload}>{(tx) => (
        <>
          <dl class="facts">
            <dt>{t('block')}</dt><dd><a href={`#/blocks/${tx.blockNumber}`}>#{tx.blockNumber}</a> · {tx.index}</dd>
            <dt>{t('time')}</dt><dd>{formatTime(tx.time)}</dd>
            <dt>{t('creator')}</dt><dd>{tx.creator.mspId} <small>{tx.creator.subject}</small></dd>
            <dt>{t('contractFunction')}</dt><dd data-testid="contract-function">{tx.contract ? `${tx.chaincode ?? ''} ${tx.contract}:${tx.function}` : tx.type}</dd>
            <dt>{t('validationCode')}</dt><dd class={tx.validationCode === 'VALID' ? 'ok' : 'bad'} data-testid="validation-code">{tx.validationCode}</dd>
          </dl>
          <h2>{t('endorsements')}</h2>
          <ul class="plain">{tx.endorsements.map((e) => (
            <li key={e.signature}><strong>{e.mspId}</strong> <small>{e.subject}</small> <span class={e.verified ? 'ok' : 'bad'}>{e.verified ? `✓ ${t('signatureVerified')}` : `✗ ${t('signatureInvalid')}`}</span><br /><code class="break">{e.signature}</code></li>
          ))}</ul>
          <h2>{t('seal')}</h2>
          {tx.seal && tx.sealVerification ? (
            <div data-testid="seal">
              <p class={tx.sealVerification.valid ? 'ok' : 'bad'}><strong>{tx.sealVerification.valid ? `✓ ${t('sealValid')}` : `✗ ${t('sealInvalid')}`}</strong> — {tx.seal.department}, <Hash value={tx.seal.keyId} />, {tx.seal.sealedAt}</p>
              <Checks checks={tx.sealVerification.checks} />
            </div>
          ) : <p>{t('noSeal')}</p>}
          <h2>{t('keysRead')}</h2>
          <ul class="plain keys">{tx.reads.map((r) => <li key={`${r.namespace}/${r.key}`}><code>{r.namespace}</code> <code class="break">{r.key}</code> <small>{r.version ?? '—'}</small></li>)}</ul>
          <h2>{t('keysWritten')}</h2>
          <ul class="plain keys" data-testid="keys-written">{tx.writes.map((w) => <li key={`${w.namespace}/${w.key}`}><code>{w.namespace}</code> <code class="break">{w.key}</code>{w.isDelete ? ' (delete)' : ''}</li>)}</ul>
        </>
      )}</Show>
    </section>
  );
}

/** A verifier's checks, each with ✓ or ✗ and its reason. */
export function Checks({ checks }: { checks: ReadonlyArray<{ id: string; passed: boolean; reason: string }> }) {
  return (
    <ol class="checks">{checks.map((c) => (
      <li key={c.id} class={c.passed ? 'ok' : 'bad'} data-check={c.id} data-passed={String(c.passed)}><strong>{c.passed ? '✓' : '✗'} {c.id}</strong> <span>{c.reason}</span></li>
    ))}</ol>
  );
}
