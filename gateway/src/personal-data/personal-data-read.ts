import { canonicalJsonBytes, sm3 } from '@citytrust/shared';
import { ApiError } from '../errors';

/**
 * The one way the gateway reads a person's or an enterprise's data: 使用需授权、事后可追责.
 *
 * 1. The ledger is asked whether the access is authorized now (nothing is fetched otherwise;
 *    a refusal is recorded on the ledger as a trail of its own, so refusals are traceable).
 * 2. The data is fetched from the owning department's source, into the gateway only.
 * 3. The access is recorded on the ledger with the SM3 digest of what was fetched; the ledger
 *    checks the authorization again, so a revocation in between refuses it (and is recorded).
 * 4. Only then does the data leave the gateway, with the receipt that matches it to its trail.
 */
export interface TrailReceipt {
  readonly trailId: string;
  readonly transactionId: string;
  readonly blockNumber: number;
}

/** A refusal by the ledger: the stable name of the check that failed, and why. */
export interface AccessRefusal {
  readonly check: string;
  readonly reason: string;
}

/** One access's conversation with the ledger (the request is bound in). */
export interface ShareTrailRecorder<R extends TrailReceipt = TrailReceipt> {
  /** Whether the access is authorized now; records nothing. */
  check(): Promise<{ allowed: true } | ({ allowed: false } & AccessRefusal)>;
  /** Records the access with the digest of what was fetched, or is refused (the ledger checks again). */
  record(resultDigest: string): Promise<{ granted: true; receipt: R } | ({ granted: false } & AccessRefusal)>;
  /** Records a refused attempt as a trail entry of its own. */
  recordRefusal(refusal: AccessRefusal): Promise<TrailReceipt>;
}

/** 403 `access_refused`: the ledger found no live, in-scope authorization; the attempt is on the ledger. */
export class AccessRefusedError extends ApiError {
  constructor(refusal: AccessRefusal, recorded: TrailReceipt) {
    super(403, 'access_refused', `access refused: ${refusal.reason}`, { check: refusal.check, refusalTrailId: recorded.trailId, transactionId: recorded.transactionId });
  }
}

export interface PersonalDataResult<T, R extends TrailReceipt = TrailReceipt> {
  readonly data: T;
  readonly receipt: R;
  /** SM3 of the canonical JSON of `data`, hex: the digest the trail records. */
  readonly digest: string;
}

export async function readPersonalData<T, R extends TrailReceipt>(recorder: ShareTrailRecorder<R>, fetch: () => Promise<T>): Promise<PersonalDataResult<T, R>> {
  const decision = await recorder.check();
  if (!decision.allowed) throw new AccessRefusedError(decision, await recorder.recordRefusal(decision));
  const data = await fetch();
  const digest = sm3(canonicalJsonBytes(data)).toString('hex');
  const recorded = await recorder.record(digest);
  if (!recorded.granted) throw new AccessRefusedError(recorded, await recorder.recordRefusal(recorded));
  return { data, receipt: recorded.receipt, digest };
}
