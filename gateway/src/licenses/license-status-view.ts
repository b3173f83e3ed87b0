import { ledgerTime, licenseVerificationAt, type LicenseVerification, type SealKey, type StoredLicense } from '@citytrust/shared';
import { viewFollower, type LedgerViewOptions } from '../ledger/chaincode-event-follower';
import type { LedgerEvent } from '../ledger/ledger';

/** The chaincode events that carry a license's or a seal key's record as the ledger now holds it. */
const LICENSE_ISSUED = 'license.issued';
const LICENSE_STATUS = 'license.status';
const LICENSE_CHANGED = 'license.changed';
const SEAL_KEY = 'seal.key';

/** `department` asks the ledger's own verification, `license:verify`, for a license the view does not hold; `capacity` (default 20,000 licenses, some 40 MB) counts licenses, least recently verified dropped first. */
export type LicenseStatusViewOptions = LedgerViewOptions;

export interface LicenseStatusViewStatus {
  /** `following`: the view answers from what it holds; otherwise every verification goes to the ledger. */
  readonly state: 'idle' | 'following' | 'retrying' | 'closed';
  readonly held: number;
  /** Verifications answered from the view, and from the ledger, since the start. */
  readonly hits: number;
  readonly misses: number;
  /** Times its event stream failed, each making it forget everything. */
  readonly streamLosses: number;
}

export interface LicenseStatusView {
  /** A license's verification now: from the view when it holds the license and its issuer's key, from the ledger otherwise. */
  verification(identifier: string): Promise<LicenseVerification>;
  /** This gateway committed a change to the license: the next verification asks the ledger. */
  forget(identifier: string): void;
  /** This gateway changed a seal key: verifications ask the ledger until the view holds the keys again. */
  forgetKeys(): void;
  status(): LicenseStatusViewStatus;
  close(): Promise<void>;
}

/**
 * What lets a public verification (验证) answer without a round trip through the peer and the
 * chaincode: the licenses recently verified or moved, and their issuers' seal keys, kept as the
 * ledger holds them by following the chaincode's events of every committed block — the
 * `license.*` events carry the license's whole record, `seal.key` the key's. An answer from the
 * view applies the chaincode's own rule (`licenseVerificationAt`) to the same records, at the
 * gateway's clock, so it is the answer `license:verify` would give.
 *
 * Never staler than the event stream:
 * - It answers from what it holds only while it follows the stream; when the stream fails it
 *   forgets everything, and verifications go to the ledger until it follows again (from the
 *   ledger's height then, since it holds nothing to bring up to date).
 * - A ledger answer is kept only if no license or key event arrived while it was being fetched:
 *   otherwise it might be older than that event.
 * - A change committed through this gateway, to a license or a seal key, is forgotten as soon as
 *   its commit is known (`forget`, `forgetKeys`); one made elsewhere (another department's
 *   gateway, the CLI) is seen when its block reaches this gateway's stream, milliseconds after
 *   the commit.
 *
 * It follows the stream from the first verification on, so a gateway that is never asked holds
 * no stream open.
 */
export function newLicenseStatusView(options: LicenseStatusViewOptions): LicenseStatusView {
  const { ledger, department } = options;
  const verifyOnLedger = async (identifier: string) =>
    JSON.parse(Buffer.from(await ledger.evaluate({ department, contract: 'license', transaction: 'verify', arguments: [identifier] })).toString('utf8')) as LicenseVerification;
  const capacity = options.capacity ?? 20_000;
  // Insertion order is recency: a hit moves the license to the end, the first is dropped.
  const licenses = new Map<string, StoredLicense>();
  const keys = new Map<string, SealKey>();
  // Moves on every event that changes a license or a key, and whenever the view forgets: a
  // ledger answer fetched across a move may predate it.
  let generation = 0;
  let hits = 0;
  let misses = 0;

  const hold = (license: StoredLicense) => {
    licenses.delete(license.identifier);
    licenses.set(license.identifier, license);
    if (licenses.size > capacity) licenses.delete(licenses.keys().next().value!);
  };

  const forgetAll = () => {
    licenses.clear();
    keys.clear();
    generation++;
  };

  const apply = (event: LedgerEvent) => {
    const payload = () => JSON.parse(Buffer.from(event.payload).toString('utf8')) as unknown;
    switch (event.name) {
      case LICENSE_ISSUED:
      case LICENSE_STATUS:
        hold(payload() as StoredLicense);
        break;
      case LICENSE_CHANGED: {
        const { previous, current } = payload() as { previous: StoredLicense; current: StoredLicense };
        hold(previous);
        hold(current);
        break;
      }
      case SEAL_KEY: {
        // A rotation names the key it retired but not its new record: forget it, the ledger has it.
        const { key, retired } = payload() as { key: SealKey; retired?: string };
        keys.set(key.keyId, key);
        if (retired !== undefined) keys.delete(retired);
        break;
      }
      default:
        return;
    }
    generation++;
  };

  const follower = viewFollower(options, { apply, forgetAll, newGeneration: () => generation++ });
  const following = () => follower.state === 'following';

  return {
    async verification(identifier) {
      follower.start();
      const license = following() ? licenses.get(identifier) : undefined;
      const key = license && keys.get(license.qrSeal.keyId);
      if (license && key) {
        hits++;
        hold(license);
        return licenseVerificationAt(license, key, ledgerTime());
      }
      misses++;
      const before = generation;
      const found = await verifyOnLedger(identifier);
      if (following() && generation === before) {
        hold(found.license);
        if (found.issuerKey) keys.set(found.issuerKey.keyId, found.issuerKey);
      }
      return found;
    },

    forget(identifier) {
      licenses.delete(identifier);
      generation++;
    },

    forgetKeys() {
      keys.clear();
      generation++;
    },

    status: () => ({ state: follower.state, held: licenses.size, hits, misses, streamLosses: follower.losses }),

    async close() {
      await follower.close();
      forgetAll();
    },
  };
}

