import { useState } from 'preact/hooks';
import { api } from '../api';
import { formatTime, t, type MessageKey } from '../i18n';
import { Hash, Show, useLoaded } from '../ui';
import { TrailProof } from './trail-proof';

interface AnomalyReport {
  from: string; until: string;
  findings: Array<{
    rule: string; department: string; officer?: string; authorizationId?: string; trailCount: number; at: string; reason: string;
    trails: Array<{ trailId: string; transactionId: string; blockNumber: number; recordedAt: string; outcome: 'granted' | 'refused' }>;
  }>;
  truncated: boolean;
  index: { blockNumber: number };
}

/** The periods offered, in days back from now; or the auditor's own dates. */
const presets = [1, 7, 30, 90] as const;
const ruleLabels: Record<string, MessageKey> = {
  'bulk-pull': 'ruleBulkPull', 'outside-window': 'ruleOutsideWindow', 'out-of-scope': 'ruleOutOfScope',
  'revoked-after-use': 'ruleRevokedAfterUse', 'repeated-refusals': 'ruleRepeatedRefusals',
};

type Period = { days: number } | { from: string; until: string };

function queryOf(period: Period): string {
  if ('days' in period) return `from=${encodeURIComponent(new Date(Date.now() - period.days * 86_400_000).toISOString())}`;
  // Whole days in the reader's time zone: the end date is included.
  const from = new Date(`${period.from}T00:00`);
  const until = new Date(`${period.until}T00:00`);
  until.setDate(until.getDate() + 1);
  return `from=${encodeURIComponent(from.toISOString())}&until=${encodeURIComponent(until.toISOString())}`;
}

/**
 * The anomaly report over a period the auditor chooses: each finding's rule, department (and
 * officer), why it is an anomaly, and the trails it rests on with their transactions, blocks
 * and proofs. The gateway runs the rules; this view only asks and shows.
 */
export function AnomaliesView() {
  // The query is fixed when the period is chosen: "the last 7 days" means from the moment of choosing.
  const [choice, setChoice] = useState('7');
  const [query, setQuery] = useState(() => queryOf({ days: 7 }));
  const [dates, setDates] = useState({ from: '', until: '' });
  const choose = (period: Period) => {
    setChoice('days' in period ? String(period.days) : '');
    setQuery(queryOf(period));
  };
  const [loaded, reload] = useLoaded(() => api<AnomalyReport>('GET', `/api/v1/audit/anomalies?${query}`), [query]);
  const custom = (event: Event) => {
    event.preventDefault();
    if (dates.from && dates.until) choose({ ...dates });
  };
  return (
    <section aria-labelledby="anomalies-title">
      <h1 id="anomalies-title">{t('anomaliesTitle')}</h1>
      <p><a href="#/audit">← {t('auditTraceTitle')}</a></p>
      <form class="filters" onSubmit={custom} aria-label={t('period')} data-testid="period">
        <label>{t('period')}<select name="preset" value={choice} onChange={(e) => { const days = (e.target as HTMLSelectElement).value; if (days) choose({ days: Number(days) }); else setChoice(''); }}>
          {presets.map((days) => <option key={days} value={String(days)}>{t('lastDays').replace('{n}', String(days))}</option>)}
          <option value="">{t('chosenDates')}</option>
        </select></label>
        <label>{t('filterFrom')}<input type="date" name="from" value={dates.from} onInput={(e) => setDates({ ...dates, from: (e.target as HTMLInputElement).value })} required /></label>
        <label>{t('filterTo')}<input type="date" name="until" value={dates.until} onInput={(e) => setDates({ ...dates, until: (e.target as HTMLInputElement).value })} required /></label>
        <div class="actions"><button type="submit">{t('show')}</button></div>
      </form>
      <Show loaded={loaded} retry={reload}>{(report) => (
        <>
          <p class="muted" data-testid="anomaly-period">{formatTime(report.from)} – {formatTime(report.until)} · {t('indexCurrentTo')} #{report.index.blockNumber}</p>
          {report.truncated ? <p class="bad" role="status">{t('anomaliesTruncated')}</p> : null}
          {report.findings.length === 0 ? <p data-testid="no-anomalies">{t('noAnomalies')}</p> : null}
          <ul class="trails" data-testid="anomalies">{report.findings.map((finding, i) => (
            <li key={`${finding.rule}-${finding.department}-${finding.at}-${i}`} class="trail refused" data-rule={finding.rule}>
              <div class="trail-head">
                <strong>{ruleLabels[finding.rule] ? t(ruleLabels[finding.rule]!) : finding.rule}</strong>
                <span>{finding.department}</span>
                <time>{formatTime(finding.at)}</time>
              </div>
              <p>{finding.reason}</p>
              <dl class="facts">
                {finding.officer ? <><dt>{t('officer')}</dt><dd><Hash value={finding.officer} /></dd></> : null}
                {finding.authorizationId ? <><dt>{t('authorizationId')}</dt><dd><Hash value={finding.authorizationId} /></dd></> : null}
                <dt>{t('trailsInvolved')}</dt><dd>{finding.trailCount}</dd>
              </dl>
              <details>
                <summary>{t('trailsInvolved')} ({finding.trails.length})</summary>
                <ul class="plain">{finding.trails.map((trail) => (
                  <li key={trail.trailId}>
                    <span class={trail.outcome === 'granted' ? 'ok' : 'bad'}>{trail.outcome === 'granted' ? t('granted') : t('refused')}</span> {formatTime(trail.recordedAt)} ·{' '}
                    <a href={`#/transactions/${trail.transactionId}`}><Hash value={trail.transactionId} /></a> · <a href={`#/blocks/${trail.blockNumber}`}>#{trail.blockNumber}</a>
                    <TrailProof trailId={trail.trailId} />
                  </li>
                ))}</ul>
              </details>
            </li>
          ))}</ul>
        </>
      )}</Show>
    </section>
  );
}
