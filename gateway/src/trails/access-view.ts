import { accessDecision, ledgerTime, TRAIL_EVENTS, type AccessDecision, type ShareTrailRecord, type StoredAuthorization, type StoredDataItem } from '@citytrust/shared';
import { viewFollower, type LedgerViewOptions } from '../ledger/chaincode-event-follower';
import type { LedgerEvent } from '../ledger/ledger';

/** `department` reads the records the view does not hold (`trail:getDataItem`, `trail:getAuthorization`); `capacity` (default 50,000, some 50 MB) counts authorizations, least recently used dropped first: data items are few and all kept. */
export type AccessViewOptions = LedgerViewOptions;

export interface AccessViewStatus {
  readonly state: 'idle' | 'following' | 'retrying' | 'closed';
  readonly items: number;
  readonly authorizations: number;
  /** Accesses the view allowed, and those it left to the ledger, since the start. */
  readonly hits: number;
  readonly misses: number;
}

export interface AccessView {
  /**
   * The access rule applied now to the records the view holds, when it holds every record the
   * access names and the rule allows it; undefined otherwise, and then the ledger must decide.
   * A miss has the view fetch the records it lacks, off the request's path, for the next access.
   */
  allowed(trail: ShareTrailRecord): Extract<AccessDecision, { allowed: true }> | undefined;
  /** This gateway changed the authorization (revoked it): the next access asks the ledger. */
  forgetAuthorization(authorizationId: string): void;
  status(): AccessViewStatus;
  close(): Promise<void>;
}

/**
 * What lets a data exchange skip its authorization round trip (`trail:checkAccess`: a
 * proposal, a chaincode run and an answer, about 1.7 ms of the stack's CPU per exchange): the
 * data catalog and the authorizations recently used, kept as the ledger holds them by following
 * the `trail.item` and `trail.authorization` events of every committed block, each of which
 * carries the whole stored record. The view applies the chaincode's own rule (`accessDecision`)
 * to those records at the gateway's clock.
 *
 * Only an "allowed" is taken from the view. A refusal, or a record the view lacks, goes to the
 * ledger, whose answer names the check that refused and is the one recorded. And an allowed
 * access is still checked by the ledger when it is recorded (`trail:recordAccess` applies the
 * same rule to the records at the transaction's time), so the view decides only whether the
 * data is fetched before that check, never whether it is released: a revocation committed
 * between the view's answer and the record refuses the record, the refusal is recorded, and
 * the data fetched is not returned — as when the revocation commits between the ledger's own
 * check and the record.
 *
 * Never staler than the event stream, as the license status view: it answers only while it
 * follows the stream and forgets everything when the stream fails; a record fetched from the
 * ledger is kept only if no trail event arrived while it was fetched; a revocation through this
 * gateway is forgotten as soon as it commits.
 */
export function newAccessView(options: AccessViewOptions): AccessView {
  const { ledger, department } = options;
  const capacity = options.capacity ?? 50_000;
  const items = new Map<string, StoredDataItem>();
  // Insertion order is recency: a use moves the authorization to the end, the first is dropped.
  const authorizations = new Map<string, StoredAuthorization>();
  const fetching = new Set<string>();
  // Moves on every event that changes an item or an authorization and whenever the view forgets:
  // a record fetched across a move may predate it.
  let generation = 0;
  let hits = 0;
  let misses = 0;

  const holdAuthorization = (authorization: StoredAuthorization) => {
    authorizations.delete(authorization.authorizationId);
    authorizations.set(authorization.authorizationId, authorization);
    if (authorizations.size > capacity) authorizations.delete(authorizations.keys().next().value!);
  };
  const forgetAll = () => {
    items.clear();
    authorizations.clear();
    generation++;
  };

  const apply = (event: LedgerEvent) => {
    if (event.name === TRAIL_EVENTS.item) {
      const item = JSON.parse(Buffer.from(event.payload).toString('utf8')) as StoredDataItem;
      items.set(item.code, item);
    } else if (event.name === TRAIL_EVENTS.authorization) {
      const authorization = JSON.parse(Buffer.from(event.payload).toString('utf8')) as StoredAuthorization;
      // Held only if used before: consents arrive by the thousand and most are never used here.
      if (authorizations.has(authorization.authorizationId)) holdAuthorization(authorization);
    } else {
      return;
    }
    generation++;
  };

  const follower = viewFollower(options, { apply, forgetAll, newGeneration: () => generation++ });
  const following = () => follower.state === 'following';

  const read = async <T>(transaction: string, key: string): Promise<T> =>
    JSON.parse(Buffer.from(await ledger.evaluate({ department, contract: 'trail', transaction, arguments: [key] })).toString('utf8')) as T;

  /** Fetches a record the view lacks, once at a time per record; a failure (unknown record, ledger away) leaves it to the ledger's check. */
  const fetchMissing = (key: string, load: () => Promise<void>) => {
    if (fetching.has(key)) return;
    fetching.add(key);
    void load().catch(() => undefined).finally(() => fetching.delete(key));
  };
  const learn = (trail: ShareTrailRecord) => {
    for (const code of trail.items) {
      if (items.has(code)) continue;
      fetchMissing(`item:${code}`, async () => {
        const before = generation;
        const item = await read<StoredDataItem>('getDataItem', code);
        if (following() && generation === before) items.set(item.code, item);
      });
    }
    const id = trail.authorizationId;
    if (id !== '' && !authorizations.has(id)) {
      fetchMissing(`authorization:${id}`, async () => {
        const before = generation;
        const authorization = await read<StoredAuthorization>('getAuthorization', id);
        if (following() && generation === before) holdAuthorization(authorization);
      });
    }
  };

  return {
    allowed(trail) {
      follower.start();
      const held = following() ? trail.items.map((code) => items.get(code)) : [];
      const authorization = trail.authorizationId === '' ? undefined : authorizations.get(trail.authorizationId);
      if (!following() || held.some((item) => item === undefined) || (trail.authorizationId !== '' && !authorization)) {
        misses++;
        if (following()) learn(trail);
        return undefined;
      }
      const decision = accessDecision(trail, held as StoredDataItem[], authorization, ledgerTime());
      if (!decision.allowed) {
        misses++;
        return undefined;
      }
      hits++;
      if (authorization) holdAuthorization(authorization);
      return decision;
    },

    forgetAuthorization(authorizationId) {
      authorizations.delete(authorizationId);
      generation++;
    },

    status: () => ({ state: follower.state, items: items.size, authorizations: authorizations.size, hits, misses }),

    async close() {
      await follower.close();
      forgetAll();
    },
  };
}

