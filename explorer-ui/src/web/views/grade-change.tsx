import { useState } from 'preact/hooks';
import { creditGraph, type SubjectInput } from '../credit-graph';
import { formatTime, t, type MessageKey } from '../i18n';
import { Hash, Problem } from '../ui';
import { evaluationFields, recordFields, type CreditRecord, type Evaluation } from './credit-selections';

interface Explanation {
  atFrom: Evaluation | null;
  atUntil: Evaluation | null;
  evaluations: Evaluation[];
  modelVersions: number[];
  records: Array<{ record: CreditRecord; change: string; contributionAtFrom: number | null; contributionAtUntil: number | null }>;
}

const explainQuery = `query ($subject: SubjectInput!, $from: String!, $until: String!) { whyGradeChanged(subject: $subject, from: $from, until: $until) {
  atFrom { ${evaluationFields} } atUntil { ${evaluationFields} } evaluations { ${evaluationFields} } modelVersions
  records { record { ${recordFields} } change contributionAtFrom contributionAtUntil } } }`;
const changeLabels: Record<string, MessageKey> = { added: 'changeAdded', removed: 'changeRemoved', reweighed: 'changeReweighed', trigger: 'changeTrigger' };

/**
 * 为什么等级变了: the subject's grade at two moments the officer chooses, the evaluations in
 * between with the model versions they used, and each record whose part changed, with its
 * contribution then and now.
 */
export function GradeChange({ subject }: { subject: SubjectInput }) {
  const [explanation, setExplanation] = useState<Explanation | undefined>();
  const [problem, setProblem] = useState<Error | undefined>();
  const submit = async (event: Event) => {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    setProblem(undefined);
    setExplanation(undefined);
    try {
      const from = new Date(String(data.get('from'))).toISOString();
      const until = new Date(String(data.get('until'))).toISOString();
      setExplanation((await creditGraph<{ whyGradeChanged: Explanation }>(explainQuery, { subject, from, until })).whyGradeChanged);
    } catch (error) {
      setProblem(error as Error);
    }
  };
  const grade = (e: Evaluation | null) => (e ? `${e.grade} (${e.score})` : t('notYetEvaluated'));
  return (
    <div class="panel" data-testid="grade-change">
      <h2>{t('whyGradeChanged')}</h2>
      <form class="filters" onSubmit={submit}>
        <label>{t('timeFrom')}<input type="datetime-local" name="from" step={1} required /></label>
        <label>{t('timeUntil')}<input type="datetime-local" name="until" step={1} required /></label>
        <div class="actions"><button type="submit">{t('explain')}</button></div>
      </form>
      {problem ? <Problem problem={problem} /> : null}
      {explanation ? (
        <div data-testid="grade-change-explanation" role="status">
          <p><strong data-testid="grade-change-summary">{grade(explanation.atFrom)} → {grade(explanation.atUntil)}</strong> · {t('model')} {explanation.modelVersions.map((v) => `v${v}`).join(', ') || '—'}</p>
          <h3>{t('evaluationsBetween')} ({explanation.evaluations.length})</h3>
          <ol>{explanation.evaluations.map((e) => <li key={e.evaluationId}>{formatTime(e.evaluatedAt)}: {e.previous ? `${e.previous.grade} → ` : ''}{e.grade} ({e.score}), {t('trigger')} {e.trigger.kind}{e.trigger.recordId ? <> <Hash value={e.trigger.recordId} /></> : null}</li>)}</ol>
          <h3>{t('recordsChanged')}</h3>
          <table>
            <thead><tr><th>{t('record')}</th><th>{t('category')}</th><th>{t('department')}</th><th>{t('change')}</th><th>{t('contribution')}</th></tr></thead>
            <tbody>{explanation.records.map((r) => (
              <tr key={r.record.recordId} data-change={r.change}><td><Hash value={r.record.recordId} /></td><td>{r.record.category}</td><td>{r.record.department}</td>
                <td>{changeLabels[r.change] ? t(changeLabels[r.change]!) : r.change}</td><td>{r.contributionAtFrom ?? '—'} → {r.contributionAtUntil ?? '—'}</td></tr>
            ))}</tbody>
          </table>
        </div>
      ) : null}
    </div>
  );
}
