import type { Ledger, LedgerEvent, LedgerEventStream } from './ledger';

export interface ChaincodeEventFollowerOptions {
  readonly ledger: Ledger;
  /** Each chaincode event of every block committed since following (last) began, in order. */
  readonly onEvent: (event: LedgerEvent) => void;
  /** Following (re)began at the ledger's height: from now on no event is missed. */
  readonly onFollowing: () => void;
  /** The stream failed or ended: events may be missed until the next onFollowing, `delayMs` from now at the earliest. */
  readonly onLost: (error: Error, delayMs: number) => void;
  /** Back-off after a failure: from `initialDelayMs` (default 200), doubling to `maxDelayMs` (default 5000). */
  readonly retry?: { readonly initialDelayMs?: number; readonly maxDelayMs?: number };
}

export interface ChaincodeEventFollower {
  readonly state: 'idle' | 'following' | 'retrying' | 'closed';
  /** Times the stream failed or ended since the start (each one made the view forget what it held). */
  readonly losses: number;
  /** Starts following; later calls do nothing, so a view can call it on every use and hold no stream until it is used. */
  start(): void;
  close(): Promise<void>;
}

/**
 * Follows the chaincode events of the ledger's new blocks for a view that keeps ledger records
 * in the gateway (the license status view, the access view): from the ledger's height when it
 * starts, and again from the height then after any failure, with back-off. It does not replay:
 * a view learns the records it does not hold from the ledger, and must drop what it holds on
 * `onLost`, since the events in between are never delivered.
 */
export function newChaincodeEventFollower(options: ChaincodeEventFollowerOptions): ChaincodeEventFollower {
  const { ledger } = options;
  const initialDelayMs = options.retry?.initialDelayMs ?? 200;
  const maxDelayMs = options.retry?.maxDelayMs ?? 5_000;
  let state: ChaincodeEventFollower['state'] = 'idle';
  let losses = 0;
  let stream: LedgerEventStream | undefined;
  let following: Promise<void> | undefined;
  let wake: (() => void) | undefined;
  // A function, not a comparison: close() changes the state while the loop waits.
  const closed = () => state === 'closed';

  const follow = async () => {
    let delayMs = initialDelayMs;
    while (!closed()) {
      try {
        const { height } = await ledger.health();
        if (height === undefined) throw new Error('the ledger did not answer with its height');
        stream = await ledger.chaincodeEvents(height);
        if (closed()) {
          // close() ran while the stream was being opened, and closed the one before it.
          stream.close();
          break;
        }
        state = 'following';
        options.onFollowing();
        for await (const event of stream) {
          options.onEvent(event);
          delayMs = initialDelayMs;
        }
        if (!closed()) throw new Error('the ledger ended the event stream');
      } catch (error) {
        if (closed()) break;
        state = 'retrying';
        losses++;
        options.onLost(error instanceof Error ? error : new Error(String(error)), delayMs);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, delayMs);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        delayMs = Math.min(delayMs * 2, maxDelayMs);
      }
    }
  };

  return {
    get state() {
      return state;
    },
    get losses() {
      return losses;
    },
    start() {
      following ??= follow();
    },
    async close() {
      state = 'closed';
      stream?.close();
      wake?.();
      await following;
    },
  };
}

/** What a view that keeps ledger records in the gateway is given (the license status view, the access view). */
export interface LedgerViewOptions {
  readonly ledger: Ledger;
  /** The department whose client identity reads from the ledger what the view does not hold. */
  readonly department: string;
  /** Most records held, least recently used dropped first (each view has its default). */
  readonly capacity?: number;
  /** Back-off after the event stream failed: from `initialDelayMs` (default 200), doubling to `maxDelayMs` (default 5000). */
  readonly retry?: { readonly initialDelayMs?: number; readonly maxDelayMs?: number };
  /** Called when the event stream failed, before the view waits `delayMs` to follow again. */
  readonly onRetry?: (error: Error, delayMs: number) => void;
}

/**
 * The follower of such a view: each event goes to `apply`; when following (re)begins the view
 * marks a new generation (a record fetched across it may predate it); when the stream fails the
 * view forgets everything it holds, since the events until it follows again are never delivered.
 */
export function viewFollower(options: LedgerViewOptions, view: { apply(event: LedgerEvent): void; newGeneration(): void; forgetAll(): void }): ChaincodeEventFollower {
  return newChaincodeEventFollower({
    ledger: options.ledger,
    onEvent: (event) => view.apply(event),
    onFollowing: () => view.newGeneration(),
    onLost: (error, delayMs) => {
      view.forgetAll();
      options.onRetry?.(error, delayMs);
    },
    ...(options.retry ? { retry: options.retry } : {}),
  });
}
