import { useState } from 'preact/hooks';
import { api } from '../api';
import { formatTime, t } from '../i18n';
import { MoreControl, usePages } from '../paged-list';
import { Hash } from '../ui';
import type { LicenseRecord, LicenseStatus } from './license-verify-view';

/** What `GET /api/v1/licenses/{identifier}/timeline` answers, a page at a time. */
interface EventSeal { department: string; keyId: string; sealedAt: string }
interface Where { at: string; department: string; transactionId: string; blockNumber: number; seal?: EventSeal }
type TimelineEvent =
  | (Where & { kind: 'issued'; version: string; supersedes?: string })
  | (Where & { kind: 'status-changed'; action: 'suspend' | 'reinstate' | 'revoke' | 'cancel'; from: string; to: string; reason: string })
  | (Where & { kind: 'new-version'; supersededBy: string; reason: string })
  | (Where & { kind: 'used'; officer: string; caseReference: string; purpose: string; statusAtUse: LicenseStatus })
  | { kind: 'expired'; at: string };
interface Timeline { identifier: string; status: LicenseStatus; checkedAt: string; license: LicenseRecord; events: TimelineEvent[]; cursor: string }

/** Events a page: a long-used license opens quickly, and "more" reads on. */
const pageSize = 20;

const licensePath = (identifier: string) => `#/licenses/${encodeURIComponent(identifier)}`;

/** Where a staff member types a license's identifier to open its timeline. */
export function LicensesView() {
  const [identifier, setIdentifier] = useState('');
  return (
    <section aria-labelledby="licenses-title" class="narrow-page">
      <h1 id="licenses-title">{t('licensesTitle')}</h1>
      <p class="muted">{t('licensesHint')}</p>
      <form onSubmit={(e) => { e.preventDefault(); location.hash = licensePath(identifier.trim()); }} data-testid="open-timeline">
        <label>{t('licenseIdentifier')}<input name="identifier" value={identifier} onInput={(e) => setIdentifier((e.target as HTMLInputElement).value)} required spellcheck={false} autocomplete="off" placeholder="1.2.156.3005.2.…" /></label>
        <button type="submit">{t('showTimeline')}</button>
      </form>
    </section>
  );
}

/**
 * A license's provenance as the ledger recorded it, oldest first, a page at a time by the gateway's
 * cursor: its issuance, every use with the department and case, each move with its reason, and
 * its next version; each with the seal its department made and links to the block and the
 * transaction that hold it, where the explorer shows that seal checked. Staff open any license;
 * a citizen their own (the gateway refuses another's).
 */
export function LicenseTimelineView({ identifier }: { identifier: string }) {
  const [timeline, setTimeline] = useState<Timeline | undefined>();
  const pages = usePages<TimelineEvent>(identifier, async (cursor) => {
    const page = await api<Timeline>('GET', `/api/v1/licenses/${encodeURIComponent(identifier)}/timeline?limit=${pageSize}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    if (!cursor) setTimeline(page);
    return { rows: page.events, next: page.cursor || undefined };
  });
  return (
    <section aria-labelledby="timeline-title">
      <h1 id="timeline-title">{t('timelineTitle')}</h1>
      <p><code class="break">{identifier}</code></p>
      {timeline?.identifier === identifier && !pages.loading ? (
        <>
          <dl class="facts">
            <dt>{t('statusNow')}</dt><dd class={timeline.status === 'valid' ? 'ok' : 'bad'} data-testid="timeline-status" data-status={timeline.status}><strong>{t(`verdict_${timeline.status}`)}</strong></dd>
            <dt>{t('licenseType')}</dt><dd><code>{timeline.license.typeCode}</code></dd>
            <dt>{t('holder')}</dt><dd>{timeline.license.holder.kind === 'enterprise' ? <>{t('holderEnterprise')} <code>{timeline.license.holder.uscc}</code></> : t('holderPerson')}</dd>
            <dt>{t('issuer')}</dt><dd>{timeline.license.issuer.department} <small>{timeline.license.issuer.uscc}</small></dd>
            <dt>{t('checkedAt')}</dt><dd>{formatTime(timeline.checkedAt)}</dd>
          </dl>
          {pages.rows.length === 0 ? <p>{t('noEvents')}</p> : null}
          <ol class="timeline" data-testid="timeline">{pages.rows.map((event, i) => <EventEntry key={i} event={event} />)}</ol>
        </>
      ) : null}
      <MoreControl pages={pages} testId="timeline" />
    </section>
  );
}

function EventEntry({ event }: { event: TimelineEvent }) {
  const title = event.kind === 'issued' ? t('event_issued')
    : event.kind === 'used' ? t('event_used')
      : event.kind === 'new-version' ? t('event_new_version')
        : event.kind === 'expired' ? t('event_expired')
          : t(`action_${event.action}`);
  const tone = event.kind === 'issued' || (event.kind === 'status-changed' && event.action === 'reinstate') ? 'good' : event.kind === 'used' ? 'neutral' : 'stopped';
  return (
    <li class={`event ${tone}`} data-kind={event.kind}>
      <div class="event-head">
        <strong>{title}</strong>
        {'department' in event ? <span>{event.department}</span> : null}
        <time dateTime={event.at}>{formatTime(event.at)}</time>
      </div>
      <dl class="facts">
        {event.kind === 'issued' && event.supersedes ? <><dt>{t('replaces')}</dt><dd><a href={licensePath(event.supersedes)}><code class="break">{event.supersedes}</code></a></dd></> : null}
        {event.kind === 'status-changed' || event.kind === 'new-version' ? <><dt>{t('reason')}</dt><dd data-testid="event-reason">{event.reason}</dd></> : null}
        {event.kind === 'new-version' ? <><dt>{t('newVersion')}</dt><dd><a href={licensePath(event.supersededBy)}><code class="break">{event.supersededBy}</code></a></dd></> : null}
        {event.kind === 'used' ? (
          <>
            <dt>{t('caseReference')}</dt><dd>{event.caseReference}</dd>
            <dt>{t('purpose')}</dt><dd>{event.purpose}</dd>
            <dt>{t('officer')}</dt><dd><Hash value={event.officer} /></dd>
            <dt>{t('statusAtUse')}</dt><dd>{t(`verdict_${event.statusAtUse}`)}</dd>
          </>
        ) : null}
        {event.kind === 'expired' ? <><dt>{t('reason')}</dt><dd>{t('expiredNoTransaction')}</dd></> : (
          <>
            <dt>{t('seal')}</dt>
            {event.seal
              ? <dd data-testid="event-seal" data-sealed="true">{event.seal.department} <Hash value={event.seal.keyId} /> <small>{t('sealCheckedOnTransaction')}</small></dd>
              : <dd data-testid="event-seal" data-sealed="false">{t('eventNoSeal')}</dd>}
            <dt>{t('block')}</dt><dd><a href={`#/blocks/${event.blockNumber}`}>#{event.blockNumber}</a></dd>
            <dt>{t('transaction')}</dt><dd><a href={`#/transactions/${event.transactionId}`}><Hash value={event.transactionId} /></a></dd>
          </>
        )}
      </dl>
    </li>
  );
}
