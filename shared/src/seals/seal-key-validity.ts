/**
 * The one rule for when a seal key stops sealing, shared by the chaincode (which refuses seals)
 * and proof verifiers (which re-check them offline). Dependency-free, so a browser can load it.
 */

/** The parts of a seal key's record the rule reads. */
export interface SealKeyValidity {
  readonly validUntil: string;
  readonly retiredAt?: string;
  readonly revokedAt?: string;
}

/** Why a key could no longer seal at `at`. */
export type SealKeyEnding = { readonly check: 'key_expired' | 'key_retired' | 'key_revoked'; readonly since: string };

/**
 * Why a key cannot seal at `at` (RFC 3339, nine fraction digits, as the ledger writes times), and
 * since when; undefined while it can. Retirement and revocation end a key's validity from their
 * time on only, so seals made before still verify; a revocation backdated to a compromise voids
 * seals from then. A revocation is named before a retirement or an expiry: it is the one a reader
 * must not miss.
 */
export function sealKeyEndedAt(key: SealKeyValidity, at: string): SealKeyEnding | undefined {
  if (key.revokedAt !== undefined && at >= key.revokedAt) return { check: 'key_revoked', since: key.revokedAt };
  if (key.retiredAt !== undefined && at >= key.retiredAt) return { check: 'key_retired', since: key.retiredAt };
  if (at >= key.validUntil) return { check: 'key_expired', since: key.validUntil };
  return undefined;
}
