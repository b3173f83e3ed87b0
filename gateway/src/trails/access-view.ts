import { accessDecision, ledgerTime, TRAIL_EVENTS, type AccessDecision, type ShareTrailRecord, type StoredAuthorization, type StoredDataItem } from '@citytrust/shared';
import { viewFollower, type LedgerViewOptions } from '../ledger/chaincode-event-follower';
import type { LedgerEvent } from '../ledger/ledger';

/**
 * `department` reads the records the view does not hold (`trail:getDataItem`,
 * `trail:getAuthorization`); `capacity` (default 50,000, some 50 MB) counts authorizations, least
 * recently used dropped first: data items are few and all kept.
 */
export interface AccessViewOptions extends LedgerViewOptions {
  /** How long a record fetched from the ledger is answered from until fetched again, unless an event confirms it (default 10 s). */
  readonly unconfirmedMs?: number;
}

export interface AccessViewStatus {
  readonly state: 'idle' | 'following' | 'retrying' | 'closed';
  readonly items: number;
  readonly authorizations: number;
  /** Accesses the view allowed, and those it left to the ledger, since the start. */
  readonly hits: number;
  readonly misses: number;
  /** Records the view failed to fetch (the ledger away): each such access went to the ledger. */
  readonly fetchFailures: number;
  /** Times its event stream failed, each making it forget everything. */
  readonly streamLosses: number;
}

export interface AccessView {
  /**
   * The access rule applied now to the records the view holds, when it holds every record the
   * access names and the rule allows it; undefined otherwise, and then the ledger must decide.
   */
  allowed(trail: ShareTrailRecord): Extract<AccessDecision, { allowed: true }> | undefined;
  /**
   * The ledger allowed this access, so its records exist: the view fetches those it lacks, off
   * the request's path, for the next access. (Only then: a request naming records that do not
   * exist must not make the view ask the ledger for each of them.)
   */
  learn(trail: ShareTrailRecord): void;
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
 * ledger is kept only if no event about that record arrived while it was fetched, and is
 * answered from for `unconfirmedMs` at most unless an event confirms it (on native Fabric the
 * peer answering a fetch may lag the one whose events the view follows); a revocation through
 * this gateway is forgotten as soon as it commits. Records are fetched only for accesses the
 * ledger allowed (`learn`), so made-up item codes or authorization ids cost the ledger nothing
 * more than their own refusal.
 */
export function newAccessView(options: AccessViewOptions): AccessView {
  const { ledger, department } = options;
  const capacity = options.capacity ?? 50_000;
  const unconfirmedMs = options.unconfirmedMs ?? 10_000;
  const items = new Map<string, Held<StoredDataItem>>();
  // Insertion order is recency: a use moves the authorization to the end, the first is dropped.
  const authorizations = new Map<string, Held<StoredAuthorization>>();
  // Records being fetched, and those of them an event or a forget touched meanwhile: a fetched
  // record that was touched may predate the change, and is dropped.
  const fetching = new Set<string>();
  const touched = new Set<string>();
  // Moves whenever the view forgets everything or begins following again.
  let epoch = 0;
  let hits = 0;
  let misses = 0;
  let fetchFailures = 0;

  const holdAuthorization = (held: Held<StoredAuthorization>) => {
    authorizations.delete(held.record.authorizationId);
    authorizations.set(held.record.authorizationId, held);
    if (authorizations.size > capacity) authorizations.delete(authorizations.keys().next().value!);
  };
  const touch = (key: string) => {
    if (fetching.has(key)) touched.add(key);
  };
  const forgetAll = () => {
    items.clear();
    authorizations.clear();
    epoch++;
  };

  const apply = (event: LedgerEvent) => {
    if (event.name === TRAIL_EVENTS.item) {
      const item = JSON.parse(Buffer.from(event.payload).toString('utf8')) as StoredDataItem;
      items.set(item.code, { record: item });
      touch(itemKey(item.code));
    } else if (event.name === TRAIL_EVENTS.authorization) {
      const authorization = JSON.parse(Buffer.from(event.payload).toString('utf8')) as StoredAuthorization;
      // Held only if used before: consents arrive by the thousand and most are never used here.
      if (authorizations.has(authorization.authorizationId)) holdAuthorization({ record: authorization });
      touch(authorizationKey(authorization.authorizationId));
    }
  };

  const follower = viewFollower(options, { apply, forgetAll, newGeneration: () => epoch++ });
  const following = () => follower.state === 'following';
  /** A record the view may answer from: heard in an event, or fetched lately (a peer that answered a fetch may lag the one whose events the view follows). */
  const current = <T>(held: Held<T> | undefined): T | undefined =>
    held && (held.fetchedAt === undefined || Date.now() - held.fetchedAt < unconfirmedMs) ? held.record : undefined;

  const read = async <T>(transaction: string, key: string): Promise<T> =>
    JSON.parse(Buffer.from(await ledger.evaluate({ department, contract: 'trail', transaction, arguments: [key] })).toString('utf8')) as T;

  /** Fetches one record, once at a time, keeping it only if nothing touched it meanwhile; a failure leaves it to the ledger's check. */
  const fetchRecord = <T>(key: string, load: () => Promise<T>, keep: (held: Held<T>) => void) => {
    if (fetching.has(key)) return;
    fetching.add(key);
    const before = epoch;
    void load()
      .then((record) => {
        if (following() && epoch === before && !touched.has(key)) keep({ record, fetchedAt: Date.now() });
      }, () => {
        fetchFailures++;
      })
      .finally(() => {
        fetching.delete(key);
        touched.delete(key);
      });
  };

  return {
    allowed(trail) {
      follower.start();
      const held = following() ? trail.items.map((code) => current(items.get(code))) : [];
      const authorization = trail.authorizationId === '' ? undefined : current(authorizations.get(trail.authorizationId));
      if (!following() || held.some((item) => item === undefined) || (trail.authorizationId !== '' && !authorization)) {
        misses++;
        return undefined;
      }
      const decision = accessDecision(trail, held as StoredDataItem[], authorization, ledgerTime());
      if (!decision.allowed) {
        misses++;
        return undefined;
      }
      hits++;
      if (authorization) holdAuthorization(authorizations.get(authorization.authorizationId)!);
      return decision;
    },

    learn(trail) {
      if (!following()) return;
      for (const code of trail.items) {
        if (current(items.get(code)) === undefined) fetchRecord(itemKey(code), () => read<StoredDataItem>('getDataItem', code), (held) => items.set(code, held));
      }
      const id = trail.authorizationId;
      if (id !== '' && current(authorizations.get(id)) === undefined) {
        fetchRecord(authorizationKey(id), () => read<StoredAuthorization>('getAuthorization', id), holdAuthorization);
      }
    },

    forgetAuthorization(authorizationId) {
      authorizations.delete(authorizationId);
      touch(authorizationKey(authorizationId));
    },

    status: () => ({ state: follower.state, items: items.size, authorizations: authorizations.size, hits, misses, fetchFailures, streamLosses: follower.losses }),

    async close() {
      await follower.close();
      forgetAll();
    },
  };
}

/** A record the view holds: heard in an event (no `fetchedAt`), or fetched from the ledger at `fetchedAt`. */
interface Held<T> {
  readonly record: T;
  readonly fetchedAt?: number;
}

const itemKey = (code: string) => `item:${code}`;
const authorizationKey = (id: string) => `authorization:${id}`;
