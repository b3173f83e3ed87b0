import { canonicalJsonBytes, sm3 } from '@citytrust/shared';
import { ForbiddenError } from '../errors';
import type { Principal } from '../principal';

/**
 * The one way the gateway reads a person's or an enterprise's data: 使用需授权、事后可追责.
 * The access is recorded on the ledger BEFORE any data is fetched, so no data leaves without a
 * trail; a refused access is recorded too, so refusals are traceable. The SM3 digest of what
 * was returned goes back to the caller in the receipt, so the trail can be matched to the data.
 */
export interface PersonalDataRequest {
  /** Pseudonymous subject key of a person, or an enterprise's Unified Social Credit Code. */
  readonly subject: string;
  readonly items: readonly string[];
  readonly purpose: string;
  readonly authorizationId: string;
  readonly caseReference?: string;
}

export interface TrailReceipt {
  readonly trailId: string;
  readonly transactionId: string;
  readonly blockNumber: string;
}

/** Decides and records on the ledger; implemented by the data-sharing trail contract's client. */
export interface ShareTrailRecorder {
  /** Records the access, or refuses it (no live, in-scope authorization) with the reason. */
  recordAccess(officer: Principal, request: PersonalDataRequest): Promise<{ granted: true; receipt: TrailReceipt } | { granted: false; reason: string }>;
  /** Records a refused attempt as a trail entry of its own. */
  recordRefusal(officer: Principal, request: PersonalDataRequest, reason: string): Promise<TrailReceipt>;
}

export interface PersonalDataResult<T> {
  readonly data: T;
  readonly receipt: TrailReceipt;
  /** SM3 of the canonical JSON of `data`, hex. */
  readonly digest: string;
}

export async function readPersonalData<T>(
  recorder: ShareTrailRecorder,
  officer: Principal,
  request: PersonalDataRequest,
  fetch: () => Promise<T>,
): Promise<PersonalDataResult<T>> {
  const decision = await recorder.recordAccess(officer, request);
  if (!decision.granted) {
    const refusal = await recorder.recordRefusal(officer, request, decision.reason);
    throw new ForbiddenError(`access refused: ${decision.reason}`, { refusalTrailId: refusal.trailId, transactionId: refusal.transactionId });
  }
  const data = await fetch();
  const digest = sm3(canonicalJsonBytes(data)).toString('hex');
  return { data, receipt: decision.receipt, digest };
}
