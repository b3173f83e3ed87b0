import { useState } from 'preact/hooks';
import { creditGraph, type SubjectInput } from '../credit-graph';
import { GrowingList } from '../growing-list';
import { formatTime, t } from '../i18n';
import { Show, useLoaded } from '../ui';
import { CreditProfile } from './credit-profile';
import { GradeDistributionChart, grades, type GradeDistribution } from './grade-distribution-chart';

/** A subject's standing, as the schema's `Standing` gives it. */
interface Standing {
  subject: string; grade: string; score: number; modelVersion: number; evaluatedAt: string;
  district: string | null; industry: string | null; lists: string[];
}

export const categories = ['ADMINISTRATIVE_LICENCE', 'ADMINISTRATIVE_PENALTY', 'RED_LIST', 'SERIOUSLY_DISHONEST_LIST', 'COMMITMENT_KEPT', 'COMMITMENT_BROKEN', 'WAGE_ARREARS_BLACKLIST', 'COURT_ENFORCEMENT', 'HONOUR'] as const;
export const creditLists = ['RED_LIST', 'SERIOUSLY_DISHONEST_LIST', 'WAGE_ARREARS_BLACKLIST'] as const;

const searchQuery = `query ($filter: SubjectFilter, $first: Int, $after: String) {
  subjects(filter: $filter, first: $first, after: $after) { nodes { subject grade score modelVersion evaluatedAt district industry lists } pageInfo { endCursor hasNextPage } } }`;
const distributionQuery = 'query ($district: String, $industry: String) { gradeDistribution(district: $district, industry: $industry) { A B C D total } }';
const rowHeight = 44;
const pageSize = 200;

interface SearchForm { grade: string; category: string; district: string; industry: string; list: string }
const emptySearch: SearchForm = { grade: '', category: '', district: '', industry: '', list: '' };

/** The filter for the search: only the fields chosen. */
function filterOf(form: SearchForm): Record<string, string> {
  return Object.fromEntries(Object.entries(form).map(([k, v]) => [k, v.trim()]).filter(([, v]) => v));
}

/**
 * The credit officer's desk (社会信用): the city's grade distribution, a search of credit
 * subjects by grade, category, district, industry and list (virtualised, read by cursor), and a
 * subject's profile opened by USCC or, for a person, by identity number. It reads the gateway's
 * GraphQL; the gateway decides who may (credit officers and auditors).
 */
export function CreditView() {
  const [form, setForm] = useState(emptySearch);
  const [filter, setFilter] = useState<Record<string, string>>({});
  const [person, setPerson] = useState<SubjectInput | undefined>();
  const set = (key: keyof SearchForm) => (event: Event) => setForm({ ...form, [key]: (event.target as HTMLInputElement).value });
  const load = async (after: string | undefined) => {
    const { subjects } = await creditGraph<{ subjects: { nodes: Standing[]; pageInfo: { endCursor: string | null; hasNextPage: boolean } } }>(searchQuery, { filter, first: pageSize, after: after ?? null });
    return { rows: subjects.nodes, next: subjects.pageInfo.hasNextPage && subjects.pageInfo.endCursor ? subjects.pageInfo.endCursor : undefined };
  };
  const open = (event: Event) => {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    const value = String(data.get('subject')).trim().toUpperCase();
    if (!value) return;
    // A USCC is public and may be in the address; an identity number stays in this page's memory.
    if (data.get('kind') === 'enterprise') location.hash = `#/credit/enterprises/${encodeURIComponent(value)}`;
    else setPerson({ identityNumber: value });
  };
  return (
    <section aria-labelledby="credit-title">
      <h1 id="credit-title">{t('creditTitle')}</h1>
      <Distribution />
      <h2>{t('openProfile')}</h2>
      <form class="filters" onSubmit={open} data-testid="open-profile">
        <label>{t('subjectKind')}<select name="kind"><option value="enterprise">{t('enterprise')}</option><option value="person">{t('person')}</option></select></label>
        <label>{t('usccOrIdentity')}<input name="subject" autoComplete="off" maxLength={18} required /></label>
        <div class="actions"><button type="submit">{t('open')}</button></div>
      </form>
      {person ? <CreditProfile subject={person} /> : null}
      <h2>{t('searchSubjects')}</h2>
      <form class="filters" onSubmit={(e) => { e.preventDefault(); setFilter(filterOf(form)); }} data-testid="subject-search">
        <label>{t('grade')}<select name="grade" value={form.grade} onChange={set('grade')}><option value="">{t('all')}</option>{grades.map((g) => <option key={g} value={g}>{g}</option>)}</select></label>
        <label>{t('category')}<select name="category" value={form.category} onChange={set('category')}><option value="">{t('all')}</option>{categories.map((c) => <option key={c} value={c}>{c}</option>)}</select></label>
        <label>{t('list')}<select name="list" value={form.list} onChange={set('list')}><option value="">{t('all')}</option>{creditLists.map((l) => <option key={l} value={l}>{l}</option>)}</select></label>
        <label>{t('district')}<input name="district" value={form.district} onInput={set('district')} placeholder="320214" /></label>
        <label>{t('industry')}<input name="industry" value={form.industry} onInput={set('industry')} placeholder="91" /></label>
        <div class="actions"><button type="submit">{t('search')}</button></div>
      </form>
      <GrowingList<Standing> query={JSON.stringify(filter)} load={load} rowHeight={rowHeight} label={t('searchSubjects')} testId="subjects" empty={t('noSubjects')}
        row={(standing, _, style) => {
          const enterprise = standing.subject.startsWith('E:');
          const cells = <>
            <span class="num">{standing.grade} · {standing.score}</span>
            <span class="wide"><code title={standing.subject}>{enterprise ? standing.subject.slice(2) : `${standing.subject.slice(0, 12)}…`}</code></span>
            <span>{standing.lists.join(', ') || '—'}</span>
            <span>{formatTime(standing.evaluatedAt)}</span>
          </>;
          return enterprise
            ? <a key={standing.subject} class="row subject" style={style} href={`#/credit/enterprises/${standing.subject.slice(2)}`} data-subject={standing.subject}>{cells}</a>
            : <div key={standing.subject} class="row subject" style={style} title={t('personByIdentity')} data-subject={standing.subject}>{cells}</div>;
        }} />
    </section>
  );
}

/** The grade distribution, for the whole city or a district or industry. */
function Distribution() {
  const [scope, setScope] = useState({ district: '', industry: '' });
  const [loaded, reload] = useLoaded(() => creditGraph<{ gradeDistribution: GradeDistribution }>(distributionQuery, {
    district: scope.district || null, industry: scope.industry || null,
  }).then((d) => d.gradeDistribution), [scope.district, scope.industry]);
  const submit = (event: Event) => {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    setScope({ district: String(data.get('district')).trim(), industry: String(data.get('industry')).trim() });
  };
  return (
    <>
      <h2>{t('gradeDistributionTitle')}</h2>
      <form class="filters" onSubmit={submit} data-testid="distribution-scope">
        <label>{t('district')}<input name="district" placeholder="320214" /></label>
        <label>{t('industry')}<input name="industry" placeholder="91" /></label>
        <div class="actions"><button type="submit">{t('show')}</button></div>
      </form>
      <Show loaded={loaded} retry={reload}>{(distribution) => <GradeDistributionChart distribution={distribution} />}</Show>
    </>
  );
}
