import type { EffectiveLicenseStatus, LicenseAction, LicenseStatus } from '@citytrust/shared';
import { LicenseRefusedError } from './license-refusal';

/**
 * The lifecycle of an e-license, as one table: which move leads from which state to which.
 *
 *     valid ──suspend──▶ suspended ──reinstate──▶ valid
 *     valid ──change───▶ changed     (a new version replaces it; both link to each other)
 *     valid | suspended ──revoke──▶ revoked    (吊销: withdrawn as a sanction)
 *     valid | suspended ──cancel──▶ cancelled  (注销: ended at the holder's request or by law)
 *
 * `expired` is no state on the ledger: a valid or suspended license is expired from the end of its
 * last valid day, read from the date, and nothing moves it any more. Changed, revoked and
 * cancelled are final.
 */
const MOVES: Readonly<Record<LicenseAction | 'change', { readonly from: readonly LicenseStatus[]; readonly to: LicenseStatus }>> = {
  suspend: { from: ['valid'], to: 'suspended' },
  reinstate: { from: ['suspended'], to: 'valid' },
  change: { from: ['valid'], to: 'changed' },
  revoke: { from: ['valid', 'suspended'], to: 'revoked' },
  cancel: { from: ['valid', 'suspended'], to: 'cancelled' },
};

/** The state `action` leads to from `current`, or a refusal that says which moves `current` allows. */
export function nextLicenseStatus(identifier: string, current: EffectiveLicenseStatus, action: LicenseAction | 'change'): LicenseStatus {
  const move = MOVES[action];
  if (current !== 'expired' && move.from.includes(current)) return move.to;
  const allowed = Object.entries(MOVES).filter(([, m]) => current !== 'expired' && m.from.includes(current)).map(([name]) => name);
  throw new LicenseRefusedError('illegal_transition', `license ${identifier} is ${current}: it cannot ${action} (${allowed.length > 0 ? `from ${current} it can ${allowed.join(', ')}` : `${current} is final`})`);
}
