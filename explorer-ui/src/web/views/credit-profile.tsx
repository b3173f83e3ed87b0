import { creditGraph, type SubjectInput } from '../credit-graph';
import { formatTime, t } from '../i18n';
import { Hash, Show, useLoaded } from '../ui';
import { evaluationFields, recordFields, type Evaluation, type CreditRecord } from './credit-selections';
import { GradeChange } from './grade-change';

interface Profile {
  standing: { subject: string; grade: string; score: number; modelVersion: number; evaluatedAt: string; district: string | null; industry: string | null; lists: string[] };
  evaluation: Evaluation;
  memberships: Array<{ list: string; since: string }>;
  records: Array<{ record: CreditRecord; objection: { status: string; outcome: string | null } | null; repair: { status: string } | null }>;
  history: Array<{ evaluationId: string; grade: string; score: number; modelVersion: number; evaluatedAt: string; trigger: { kind: string } }>;
}

const profileQuery = `query ($subject: SubjectInput!) { subject(subject: $subject) {
  standing { subject grade score modelVersion evaluatedAt district industry lists }
  evaluation { ${evaluationFields} }
  memberships { list since }
  records { record { ${recordFields} } objection { status outcome } repair { status } }
  history { evaluationId grade score modelVersion evaluatedAt trigger { kind } } } }`;

/**
 * A credit subject's profile: its grade and score, the factors of its latest evaluation (each
 * record's weight, decay and contribution, so the score can be checked by hand), its lists, its
 * records with their objections and repairs, its evaluation history, and why its grade changed
 * between two dates.
 */
export function CreditProfile({ subject }: { subject: SubjectInput }) {
  const key = 'uscc' in subject ? subject.uscc : subject.identityNumber;
  const [loaded, reload] = useLoaded(async () => {
    const { subject: profile } = await creditGraph<{ subject: Profile | null }>(profileQuery, { subject });
    return profile;
  }, [key]);
  return (
    <div class="profile" data-testid="credit-profile">
      <Show loaded={loaded} retry={reload}>{(profile) => profile === null ? <p data-testid="no-evaluation">{t('noEvaluation')}</p> : (
        <>
          <div class="cards">
            <div class="card"><span class="label">{t('grade')}</span><strong data-testid="profile-grade">{profile.standing.grade}</strong><span>{t('score')} {profile.standing.score} · {t('model')} v{profile.standing.modelVersion}</span></div>
            <div class="card"><span class="label">{t('subject')}</span><code class="break">{profile.standing.subject}</code><span>{t('district')} {profile.standing.district ?? '—'} · {t('industry')} {profile.standing.industry ?? '—'}</span></div>
            <div class="card"><span class="label">{t('lists')}</span><span data-testid="profile-lists">{profile.memberships.length ? profile.memberships.map((m) => `${m.list} (${t('since')} ${formatTime(m.since)})`).join('; ') : '—'}</span></div>
          </div>
          <h2>{t('evaluationFactors')}</h2>
          <p class="muted">{formatTime(profile.evaluation.evaluatedAt)} · {t('trigger')}: {profile.evaluation.trigger.kind}{profile.evaluation.previous ? ` · ${t('previousGrade')} ${profile.evaluation.previous.grade} (${profile.evaluation.previous.score})` : ''}</p>
          <Factors evaluation={profile.evaluation} />
          <h2>{t('creditRecords')}</h2>
          <table data-testid="profile-records">
            <thead><tr><th>{t('category')}</th><th>{t('severity')}</th><th>{t('department')}</th><th>{t('status')}</th><th>{t('occurredAt')}</th><th>{t('reference')}</th></tr></thead>
            <tbody>{profile.records.map(({ record, objection, repair }) => (
              <tr key={record.recordId} data-record={record.recordId}>
                <td>{record.category}</td><td>{record.severity}</td><td>{record.department}</td>
                <td>{record.status}{objection ? ` · ${t('objection')}: ${objection.outcome ?? objection.status}` : ''}{repair ? ` · ${t('repair')}: ${repair.status}` : ''}</td>
                <td>{formatTime(record.occurredAt)}</td><td>{record.reference}</td>
              </tr>
            ))}</tbody>
          </table>
          <h2>{t('evaluationHistory')}</h2>
          <table>
            <thead><tr><th>{t('time')}</th><th>{t('grade')}</th><th>{t('score')}</th><th>{t('model')}</th><th>{t('trigger')}</th></tr></thead>
            <tbody>{profile.history.map((e) => <tr key={e.evaluationId}><td>{formatTime(e.evaluatedAt)}</td><td>{e.grade}</td><td>{e.score}</td><td>v{e.modelVersion}</td><td>{e.trigger.kind}</td></tr>)}</tbody>
          </table>
          <GradeChange subject={subject} />
        </>
      )}</Show>
    </div>
  );
}

/** An evaluation's factors: contribution = trunc(weight × decay% / 100), summed into the score. */
export function Factors({ evaluation }: { evaluation: Evaluation }) {
  return (
    <table data-testid="factors">
      <thead><tr><th>{t('record')}</th><th>{t('category')}</th><th>{t('severity')}</th><th>{t('ageDays')}</th><th>{t('weight')}</th><th>{t('decay')}</th><th>{t('contribution')}</th></tr></thead>
      <tbody>{evaluation.factors.map((f) => (
        <tr key={f.recordId}><td><Hash value={f.recordId} /></td><td>{f.category}</td><td>{f.severity}</td><td>{f.ageDays}</td><td>{f.weight}</td><td>{f.decayPercent}%</td><td class={f.contribution < 0 ? 'bad' : 'ok'}>{f.contribution > 0 ? `+${f.contribution}` : f.contribution}</td></tr>
      ))}</tbody>
    </table>
  );
}

/** The route `#/credit/enterprises/<USCC>`: an enterprise's profile (a USCC is public; an identity number never goes in a route). */
export function EnterpriseProfileView({ uscc }: { uscc: string }) {
  return (
    <section aria-labelledby="profile-title">
      <h1 id="profile-title">{t('creditProfileTitle')} <code>{uscc}</code></h1>
      <p><a href="#/credit">← {t('creditTitle')}</a></p>
      <CreditProfile subject={{ uscc }} />
    </section>
  );
}
