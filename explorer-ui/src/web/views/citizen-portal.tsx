import { useMemo, useState } from 'preact/hooks';
import type { ProofReport } from '@citytrust/network-config/dist/proofs/proof-report';
import { api, currentSession } from '../api';
import { formatTime, t } from '../i18n';
import { MoreControl, usePages } from '../paged-list';
import { Problem, Show, useLoaded } from '../ui';
import type { LicenseRecord } from './license-verify-view';
import { SignInView } from './sign-in-view';
import { Checks } from './transactions-view';

interface Trail {
  trailId: string; outcome: 'granted' | 'refused'; department: string; items: string[]; purpose: string;
  authorizationId: string; caseReference: string; requestedAt: string; recordedAt: string;
  refusal?: { check: string; reason: string };
}

/**
 * 我的数据我做主: a citizen sees who used their data (with filters), checks any entry's proof
 * in the browser, objects to an access, and grants or withdraws consent. Everything acts on the
 * signed-in citizen's own subject key; the gateway has no way to name another person.
 */
export function CitizenPortal() {
  const session = currentSession();
  if (session?.user.role !== 'citizen') return <SignInView citizen />;
  return (
    <section aria-labelledby="portal-title">
      <h1 id="portal-title">{t('myDataTitle')}</h1>
      <TrailLog />
      <MyLicenses />
      <GrantConsent />
      <VerifyBundle />
    </section>
  );
}

interface TrailLogPage { trails: Trail[]; bookmark: string }

/** A page of the log: enough to fill a phone's screen a few times over; "more" reads the next. */
const pageSize = 20;

/** What the citizen chose, as the form holds it: dates are whole local days, `to` included. */
interface LogFilters { department: string; outcome: '' | 'granted' | 'refused'; item: string; from: string; to: string }
const noFilters: LogFilters = { department: '', outcome: '', item: '', from: '', to: '' };

/**
 * The query string of `GET /api/v1/me/trails` for the filters: only those filled in, the days as
 * the instants that bound them here (the `to` day included, so `until` is the next midnight).
 */
function logQuery(filters: LogFilters): URLSearchParams {
  const query = new URLSearchParams({ pageSize: String(pageSize) });
  const department = filters.department.trim();
  const item = filters.item.trim().toUpperCase();
  if (department) query.set('department', department);
  if (item) query.set('item', item);
  if (filters.outcome) query.set('outcome', filters.outcome);
  if (filters.from) query.set('from', new Date(`${filters.from}T00:00`).toISOString());
  if (filters.to) {
    const until = new Date(`${filters.to}T00:00`);
    until.setDate(until.getDate() + 1);
    query.set('until', until.toISOString());
  }
  return query;
}

/**
 * Who used my data, filtered and paged by the gateway: the filters go in the request and the
 * gateway's bookmark reads the next page, so a long log is never downloaded whole.
 */
function TrailLog() {
  const [form, setForm] = useState(noFilters);
  const [applied, setApplied] = useState(noFilters);
  const query = logQuery(applied).toString();
  const pages = usePages<Trail>(query, async (bookmark) => {
    const page = await api<TrailLogPage>('GET', `/api/v1/me/trails?${query}${bookmark ? `&bookmark=${encodeURIComponent(bookmark)}` : ''}`);
    return { rows: page.trails, next: page.bookmark || undefined };
  });
  const set = (key: keyof LogFilters) => (event: Event) => setForm({ ...form, [key]: (event.target as HTMLInputElement).value });
  return (
    <>
      <form class="filters" onSubmit={(e) => { e.preventDefault(); setApplied(form); }} aria-label="filters" data-testid="log-filters">
        <label>{t('filterDepartment')}<input value={form.department} onInput={set('department')} name="department" placeholder="MarketRegulationMSP" autoComplete="off" /></label>
        <label>{t('filterOutcome')}<select value={form.outcome} onChange={set('outcome')} name="outcome"><option value="">{t('all')}</option><option value="granted">{t('granted')}</option><option value="refused">{t('refused')}</option></select></label>
        <label>{t('filterItem')}<input value={form.item} onInput={set('item')} name="item" placeholder="MR-PERSON-LICENCE" autoComplete="off" /></label>
        <label>{t('filterFrom')}<input type="date" value={form.from} onInput={set('from')} name="from" /></label>
        <label>{t('filterTo')}<input type="date" value={form.to} onInput={set('to')} name="to" /></label>
        <div class="actions"><button type="submit">{t('search')}</button><button type="button" onClick={() => { setForm(noFilters); setApplied(noFilters); }}>{t('clear')}</button></div>
      </form>
      {!pages.loading && !pages.problem && pages.rows.length === 0 ? <p data-testid="no-trails">{t('noTrails')}</p> : null}
      <ul class="trails" data-testid="trails" data-query={query} aria-busy={pages.loading}>{pages.rows.map((trail) => <TrailEntry key={trail.trailId} trail={trail} />)}</ul>
      <MoreControl pages={pages} testId="trails" />
    </>
  );
}

function TrailEntry({ trail }: { trail: Trail }) {
  const [report, setReport] = useState<ProofReport | undefined>();
  const [problem, setProblem] = useState<Error | undefined>();
  const [done, setDone] = useState<string | undefined>();
  const [open, setOpen] = useState<'object' | 'revoke' | undefined>();
  const verify = async () => {
    setProblem(undefined);
    try {
      const [{ checkProof }, bundle] = await Promise.all([import('../proof-check'), api<unknown>('GET', `/api/v1/trails/${trail.trailId}/proof`)]);
      setReport(await checkProof(bundle));
    } catch (error) {
      setProblem(error as Error);
    }
  };
  const act = (kind: 'object' | 'revoke') => async (event: Event) => {
    event.preventDefault();
    const reason = String(new FormData(event.target as HTMLFormElement).get('reason'));
    setProblem(undefined);
    try {
      if (kind === 'object') await api('POST', '/api/v1/me/objections', { trailId: trail.trailId, reason });
      else await api('POST', `/api/v1/me/consents/${trail.authorizationId}/revoke`, { reason });
      setDone(kind === 'object' ? t('objectionRaised') : t('consentRevoked'));
      setOpen(undefined);
    } catch (error) {
      setProblem(error as Error);
    }
  };
  return (
    <li class={`trail ${trail.outcome}`} data-trail={trail.trailId}>
      <div class="trail-head">
        <strong>{trail.outcome === 'granted' ? t('granted') : t('refused')}</strong>
        <span>{trail.department}</span>
        <time>{formatTime(trail.recordedAt)}</time>
      </div>
      <dl class="facts">
        <dt>{t('items')}</dt><dd>{trail.items.join(', ')}</dd>
        <dt>{t('purpose')}</dt><dd>{trail.purpose}</dd>
        <dt>{t('caseReference')}</dt><dd>{trail.caseReference || '—'}</dd>
        {trail.refusal ? <><dt>{t('refused')}</dt><dd>{trail.refusal.check}: {trail.refusal.reason}</dd></> : null}
      </dl>
      <div class="actions">
        <button type="button" onClick={verify}>{t('verifyProof')}</button>
        <button type="button" onClick={() => setOpen(open === 'object' ? undefined : 'object')} aria-expanded={open === 'object'}>{t('object')}</button>
        <button type="button" onClick={() => setOpen(open === 'revoke' ? undefined : 'revoke')} aria-expanded={open === 'revoke'}>{t('revokeConsent')}</button>
      </div>
      {open ? (
        <form class="inline" onSubmit={act(open)}>
          <label>{open === 'object' ? t('objectionReason') : t('revokeReason')}<input name="reason" required maxLength={500} /></label>
          <button type="submit">{t('submit')}</button>
        </form>
      ) : null}
      {done ? <p class="ok" role="status">{done}</p> : null}
      {problem ? <Problem problem={problem} /> : null}
      {report ? <Report report={report} /> : null}
    </li>
  );
}

export function Report({ report }: { report: ProofReport }) {
  return (
    <div class="report" data-testid="proof-report" data-valid={String(report.valid)} role="status">
      <p class={report.valid ? 'ok' : 'bad'}><strong>{report.valid ? `✓ ${t('proofValid')}` : `✗ ${t('proofInvalid')}`}</strong> <small>#{report.blockNumber} · {report.trustRoots}</small></p>
      <Checks checks={report.checks} />
    </div>
  );
}

/** The licenses the citizen holds, each opening its provenance timeline. */
function MyLicenses() {
  const [loaded, reload] = useLoaded(() => api<{ licenses: LicenseRecord[] }>('GET', '/api/v1/me/licenses'), []);
  return (
    <details class="panel" data-testid="my-licenses">
      <summary><h2>{t('myLicensesTitle')}</h2></summary>
      <Show loaded={loaded} retry={reload}>{({ licenses }) => (licenses.length === 0 ? <p>{t('noLicenses')}</p> : (
        <ul class="plain">{licenses.map((license) => (
          <li key={license.identifier}><a href={`#/licenses/${encodeURIComponent(license.identifier)}`}><code class="break">{license.identifier}</code></a> <small>{license.typeCode} · {license.status}</small></li>
        ))}</ul>
      ))}</Show>
    </details>
  );
}

function GrantConsent() {
  const [problem, setProblem] = useState<Error | undefined>();
  const [granted, setGranted] = useState<string | undefined>();
  const defaults = useMemo(() => {
    const local = (date: Date) => new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
    return { from: local(new Date()), until: local(new Date(Date.now() + 365 * 86_400_000)) };
  }, []);
  const submit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    setProblem(undefined);
    try {
      const consent = await api<{ authorizationId: string }>('POST', '/api/v1/me/consents', {
        grantee: form.get('grantee'),
        items: String(form.get('items')).split(/[,\s，]+/).filter(Boolean),
        purpose: form.get('purpose'),
        validFrom: new Date(String(form.get('validFrom'))).toISOString(),
        validUntil: new Date(String(form.get('validUntil'))).toISOString(),
      });
      setGranted(consent.authorizationId);
    } catch (error) {
      setProblem(error as Error);
    }
  };
  return (
    <details class="panel">
      <summary><h2>{t('grantConsentTitle')}</h2></summary>
      <form onSubmit={submit} data-testid="grant-consent">
        <label>{t('grantee')}<input name="grantee" placeholder="CreditOfficeMSP" required /></label>
        <label>{t('items')}<input name="items" placeholder="MR-PERSON-LICENCE" required /></label>
        <label>{t('purpose')}<input name="purpose" placeholder="credit-repair.review" required /></label>
        <label>{t('validFrom')}<input name="validFrom" type="datetime-local" value={defaults.from} required /></label>
        <label>{t('validUntil')}<input name="validUntil" type="datetime-local" value={defaults.until} required /></label>
        <button type="submit">{t('grant')}</button>
      </form>
      {granted ? <p class="ok" role="status">{t('consentGranted')}<code data-testid="consent-id">{granted}</code></p> : null}
      {problem ? <Problem problem={problem} /> : null}
    </details>
  );
}

/** A proof file from anywhere (a download, an e-mail), checked here without asking the gateway. */
export function VerifyBundle() {
  const [text, setText] = useState('');
  const [report, setReport] = useState<ProofReport | undefined>();
  const [problem, setProblem] = useState<Error | undefined>();
  const submit = async (event: Event) => {
    event.preventDefault();
    setReport(undefined);
    setProblem(undefined);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      setProblem(new Error(t('notJson') + (error as Error).message));
      return;
    }
    try {
      const { checkProof } = await import('../proof-check');
      setReport(await checkProof(json));
    } catch (error) {
      setProblem(error as Error);
    }
  };
  return (
    <details class="panel" data-testid="verify-bundle">
      <summary><h2>{t('verifyBundleTitle')}</h2></summary>
      <p class="muted">{t('verifyBundleHint')}</p>
      <form onSubmit={submit}>
        <label>{t('bundleText')}<textarea name="bundle" rows={6} value={text} onInput={(e) => setText((e.target as HTMLTextAreaElement).value)} spellcheck={false} /></label>
        <label>{t('chooseBundleFile')}<input type="file" accept=".json,application/json" onChange={async (e) => setText(await ((e.target as HTMLInputElement).files?.[0]?.text() ?? Promise.resolve('')))} /></label>
        <button type="submit">{t('verify')}</button>
      </form>
      {problem ? <Problem problem={problem} /> : null}
      {report ? <Report report={report} /> : null}
    </details>
  );
}
