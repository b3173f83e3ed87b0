import type { TrailCheck } from '@citytrust/shared';

/** A refused access, its check named in the message as `[trail:<check>]` (see {@link TrailCheck}). */
export class TrailRefusedError extends Error {
  constructor(readonly check: TrailCheck, reason: string) {
    super(`[trail:${check}] ${reason}`);
    this.name = 'TrailRefusedError';
  }
}
