import type { SealKey } from '@citytrust/shared';

/**
 * Where seal keys live in state. A key's state key is
 * (`seal-key`, keyId), so a seal names its key and the check is one read; the department's
 * keys are listed through (`seal-key-by-department`, department, keyId), and its current key
 * through (`seal-key-current`, department). Each change is a new version of the key's record, so
 * `getHistoryForKey` is the key's whole story.
 */
export const SEAL_KEY_OBJECT_TYPE = 'seal-key';
export const SEAL_KEY_BY_DEPARTMENT_OBJECT_TYPE = 'seal-key-by-department';
export const CURRENT_SEAL_KEY_OBJECT_TYPE = 'seal-key-current';

/**
 * Why a key cannot seal at `at`, and since when; undefined while it can. Retirement and
 * revocation end a key's validity from their time on only, so seals made before still verify.
 * A revocation is named before a retirement or an expiry: it is the one a reader must not miss.
 */
export function keyEndedAt(key: SealKey, at: string): { readonly check: 'key_expired' | 'key_retired' | 'key_revoked'; readonly since: string } | undefined {
  if (key.revokedAt !== undefined && at >= key.revokedAt) return { check: 'key_revoked', since: key.revokedAt };
  if (key.retiredAt !== undefined && at >= key.retiredAt) return { check: 'key_retired', since: key.retiredAt };
  if (at >= key.validUntil) return { check: 'key_expired', since: key.validUntil };
  return undefined;
}
