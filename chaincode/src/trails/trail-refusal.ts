/**
 * Why the chaincode refused an access, by a stable name that travels in the error message as
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

export class TrailRefusedError extends Error {
  constructor(readonly check: TrailCheck, reason: string) {
    super(`[trail:${check}] ${reason}`);
    this.name = 'TrailRefusedError';
  }
}
