import { useState } from 'preact/hooks';
import { api } from '../api';
import { GrowingList } from '../growing-list';
import { formatTime, t } from '../i18n';
import { Hash } from '../ui';
import { AuditBundleExport } from './audit-bundle-export';
import { TrailProof } from './trail-proof';

/** A share trail as `POST /api/v1/audit/trails/search` answers it. */
export interface AuditedTrail {
  trailId: string; outcome: 'granted' | 'refused'; department: string; officer: string;
  subject: { kind: 'enterprise'; uscc: string } | { kind: 'person'; subjectKey: string };
  items: string[]; purpose: string; authorizationId: string; caseReference: string; requestedAt: string; recordedAt: string;
  refusal?: { check: string; reason: string };
  blockNumber: number; transactionId: string;
}

interface TrailSearchPage {
  trails: AuditedTrail[];
  bookmark: string;
  index: { blockNumber: number; transactionId: string; updatedAt?: string };
}

/** What the auditor typed, as the form holds it. */
interface TraceForm {
  subjectKind: 'person' | 'enterprise'; subject: string; department: string; officer: string; item: string;
  purpose: string; authorizationId: string; outcome: '' | 'granted' | 'refused'; from: string; until: string;
}

const emptyForm: TraceForm = { subjectKind: 'person', subject: '', department: '', officer: '', item: '', purpose: '', authorizationId: '', outcome: '', from: '', until: '' };
const rowHeight = 64;
const pageSize = 100;

/**
 * The search body for a form: only the fields filled in, times as RFC 3339 instants. The
 * subject (an identity number or a USCC) goes in this POST body and nowhere else: not in the
 * route, not in history.
 */
function searchOf(form: TraceForm): Record<string, unknown> {
  const search: Record<string, unknown> = {};
  const subject = form.subject.trim().toUpperCase();
  if (subject) search.subject = form.subjectKind === 'person' ? { kind: 'person', identityNumber: subject } : { kind: 'enterprise', uscc: subject };
  for (const key of ['department', 'officer', 'item', 'purpose', 'authorizationId', 'outcome'] as const) {
    const value = form[key].trim();
    if (value) search[key] = value;
  }
  if (form.from) search.from = new Date(form.from).toISOString();
  if (form.until) search.until = new Date(form.until).toISOString();
  return search;
}

/**
 * 事后可追责: an auditor traces share trails by any key (subject, department, officer, item,
 * purpose, authorization, outcome, time window), newest first, in a virtualised list read a
 * page at a time by bookmark; each trail links to its transaction, its block and its proof.
 */
export function AuditTraceView() {
  const [form, setForm] = useState(emptyForm);
  const [search, setSearch] = useState<Record<string, unknown>>({});
  const [index, setIndex] = useState<TrailSearchPage['index'] | undefined>();
  const [selected, setSelected] = useState<AuditedTrail | undefined>();
  const set = (key: keyof TraceForm) => (event: Event) => setForm({ ...form, [key]: (event.target as HTMLInputElement).value });
  const submit = (event: Event) => {
    event.preventDefault();
    setSelected(undefined);
    setSearch(searchOf(form));
  };
  const load = async (bookmark: string | undefined) => {
    const page = await api<TrailSearchPage>('POST', '/api/v1/audit/trails/search', { ...search, pageSize, ...(bookmark ? { bookmark } : {}) });
    setIndex(page.index);
    return { rows: page.trails, next: page.bookmark || undefined };
  };
  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">{t('auditTraceTitle')}</h1>
      <p><a href="#/audit/anomalies">{t('anomaliesTitle')} →</a></p>
      <form class="filters" onSubmit={submit} aria-label={t('auditTraceTitle')} data-testid="trace-form">
        <label>{t('subjectKind')}<select name="subjectKind" value={form.subjectKind} onChange={set('subjectKind')}><option value="person">{t('person')}</option><option value="enterprise">{t('enterprise')}</option></select></label>
        <label>{form.subjectKind === 'person' ? t('identityNumber') : t('uscc')}<input name="subject" value={form.subject} onInput={set('subject')} autoComplete="off" maxLength={18} /></label>
        <label>{t('department')}<input name="department" value={form.department} onInput={set('department')} placeholder="MarketRegulationMSP" /></label>
        <label>{t('officer')}<input name="officer" value={form.officer} onInput={set('officer')} /></label>
        <label>{t('items')}<input name="item" value={form.item} onInput={set('item')} placeholder="MR-PERSON-LICENCE" /></label>
        <label>{t('purpose')}<input name="purpose" value={form.purpose} onInput={set('purpose')} /></label>
        <label>{t('authorizationId')}<input name="authorizationId" value={form.authorizationId} onInput={set('authorizationId')} /></label>
        <label>{t('filterOutcome')}<select name="outcome" value={form.outcome} onChange={set('outcome')}><option value="">{t('all')}</option><option value="granted">{t('granted')}</option><option value="refused">{t('refused')}</option></select></label>
        <label>{t('timeFrom')}<input type="datetime-local" name="from" value={form.from} onInput={set('from')} /></label>
        <label>{t('timeUntil')}<input type="datetime-local" name="until" value={form.until} onInput={set('until')} /></label>
        <div class="actions"><button type="submit">{t('search')}</button><button type="button" onClick={() => { setForm(emptyForm); setSelected(undefined); setSearch({}); }}>{t('clear')}</button></div>
      </form>
      <AuditBundleExport key={JSON.stringify(search)} search={search} />
      {index ? <p class="muted" data-testid="index-freshness">{t('indexCurrentTo')} #{index.blockNumber}{index.updatedAt ? ` · ${formatTime(index.updatedAt)}` : ''}</p> : null}
      <GrowingList<AuditedTrail> query={JSON.stringify(search)} load={load} rowHeight={rowHeight} label={t('auditTraceTitle')} testId="trace-results" empty={t('noTrails')}
        row={(trail, _, style) => (
          <div key={trail.trailId} class={`trace-row ${trail.outcome}`} style={style} data-trail={trail.trailId} aria-current={selected?.trailId === trail.trailId ? 'true' : undefined}>
            <span><strong>{trail.outcome === 'granted' ? t('granted') : t('refused')}</strong> {trail.department} · {trail.items.join(', ')} · {trail.purpose} <time class="muted">{formatTime(trail.recordedAt)}</time></span>
            <span class="links">
              <a href={`#/transactions/${trail.transactionId}`}>{t('transaction')} <Hash value={trail.transactionId} /></a>
              <a href={`#/blocks/${trail.blockNumber}`}>{t('block')} #{trail.blockNumber}</a>
              <button type="button" class="link" onClick={() => setSelected(trail)}>{t('detailsAndProof')}</button>
            </span>
          </div>
        )} />
      {selected ? <TrailDetail trail={selected} /> : null}
    </section>
  );
}

/** One trail in full, with its proof. */
function TrailDetail({ trail }: { trail: AuditedTrail }) {
  return (
    <div class="panel" data-testid="trail-detail" role="region" aria-label={t('detailsAndProof')}>
      <h2>{trail.outcome === 'granted' ? t('granted') : t('refused')} · {trail.department}</h2>
      <dl class="facts">
        <dt>{t('trail')}</dt><dd><code class="break">{trail.trailId}</code></dd>
        <dt>{t('subject')}</dt><dd><code class="break">{trail.subject.kind === 'enterprise' ? trail.subject.uscc : trail.subject.subjectKey}</code></dd>
        <dt>{t('officer')}</dt><dd><code class="break">{trail.officer}</code></dd>
        <dt>{t('items')}</dt><dd>{trail.items.join(', ')}</dd>
        <dt>{t('purpose')}</dt><dd>{trail.purpose}</dd>
        <dt>{t('authorizationId')}</dt><dd><code class="break">{trail.authorizationId}</code></dd>
        <dt>{t('caseReference')}</dt><dd>{trail.caseReference || '—'}</dd>
        <dt>{t('time')}</dt><dd>{formatTime(trail.recordedAt)}</dd>
        {trail.refusal ? <><dt>{t('refused')}</dt><dd>{trail.refusal.check}: {trail.refusal.reason}</dd></> : null}
        <dt>{t('transaction')}</dt><dd><a href={`#/transactions/${trail.transactionId}`}><Hash value={trail.transactionId} /></a> · <a href={`#/blocks/${trail.blockNumber}`}>#{trail.blockNumber}</a></dd>
      </dl>
      <TrailProof key={trail.trailId} trailId={trail.trailId} />
    </div>
  );
}
