import { isSameSubject } from './same-subject';
import type { ShareTrailRecord, StoredAuthorization, StoredDataItem } from './trail-records';

/**
 * Why an access is refused, by a stable name that travels in the chaincode's error message as
 * `[trail:<check>]`: the gateway records the refused attempt with it, and answers with a 4xx
 * that names it.
 */
export type TrailCheck =
  | 'unknown_item'
  | 'item_not_shared'
  | 'authorization_required'
  | 'unknown_authorization'
  | 'authorization_not_yet_valid'
  | 'authorization_expired'
  | 'authorization_revoked'
  | 'other_department'
  | 'item_out_of_scope'
  | 'purpose_out_of_scope'
  | 'subject_out_of_scope'
  | 'not_owner'
  | 'unknown_trail';

/** Whether an access may happen, and if not, which check refused it and why. */
export type AccessDecision =
  | { readonly allowed: true; readonly owners: Readonly<Record<string, string>> }
  | { readonly allowed: false; readonly check: TrailCheck; readonly reason: string };

/**
 * The rule of 使用需授权 for one access at time `at` (RFC 3339 UTC, as the ledger writes it): no
 * item may be one its owner does not share, a conditional item needs an authorization, and the
 * authorization must be live then and cover this department, every item, the purpose and, for a
 * consent, the subject. The chaincode applies it to the records it reads for `trail:checkAccess`
 * and `trail:recordAccess`; the gateway applies it to the same records held from the ledger's
 * events, so that both give the same answer.
 *
 * @param items the records of `trail.items`, in order (unknown items are the caller's refusal).
 * @param authorization the record `trail.authorizationId` names; not read when it is empty.
 */
export function accessDecision(trail: ShareTrailRecord, items: readonly StoredDataItem[], authorization: StoredAuthorization | undefined, at: string): AccessDecision {
  const refused = (check: TrailCheck, reason: string): AccessDecision => ({ allowed: false, check, reason });
  const notShared = items.find((item) => item.shareType === 'not-shared');
  if (notShared) return refused('item_not_shared', `${notShared.code} (${notShared.name}) is not shared by ${notShared.owner}`);
  const allowed: AccessDecision = { allowed: true, owners: Object.fromEntries(items.map((item) => [item.code, item.owner])) };
  if (trail.authorizationId === '') {
    const conditional = items.find((item) => item.shareType === 'conditional');
    return conditional
      ? refused('authorization_required', `${conditional.code} is shared only under an authorization (consent or legal basis); name one in authorizationId`)
      : allowed;
  }
  if (!authorization) return refused('unknown_authorization', `${trail.authorizationId} is not a recorded authorization`);
  const outOfScope = (check: TrailCheck, reason: string) => refused(check, `authorization ${authorization.authorizationId} ${reason}`);
  if (authorization.status === 'revoked' && at >= authorization.revokedAt!) return outOfScope('authorization_revoked', `was revoked at ${authorization.revokedAt} (${authorization.revocationReason})`);
  if (at < authorization.validFrom) return outOfScope('authorization_not_yet_valid', `is valid from ${authorization.validFrom}, after this access at ${at}`);
  if (at >= authorization.validUntil) return outOfScope('authorization_expired', `expired at ${authorization.validUntil}, before this access at ${at}`);
  if (authorization.grantee !== trail.department) return outOfScope('other_department', `was granted to ${authorization.grantee}, not ${trail.department}`);
  const outside = trail.items.filter((code) => !authorization.items.includes(code));
  if (outside.length > 0) return outOfScope('item_out_of_scope', `does not cover ${outside.join(', ')} (it covers ${authorization.items.join(', ')})`);
  if (authorization.purpose !== trail.purpose) return outOfScope('purpose_out_of_scope', `is for the purpose ${authorization.purpose}, not ${trail.purpose}`);
  if (authorization.kind === 'consent' && !isSameSubject(authorization.subject!, trail.subject)) return outOfScope('subject_out_of_scope', 'is another subject\'s consent');
  return allowed;
}
