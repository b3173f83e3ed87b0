import type { SealCheck } from '@citytrust/shared';

/** Thrown by the seal checks; a transaction that throws it writes nothing. */
export class SealRefusedError extends Error {
  constructor(readonly check: SealCheck, reason: string) {
    super(`[seal:${check}] ${reason}`);
    this.name = 'SealRefusedError';
  }
}

/** Thrown when the submitter may not manage seal keys; the message says who may. */
export class SealKeyPermissionError extends Error {
  constructor(reason: string) {
    super(`[seal:forbidden] ${reason}`);
    this.name = 'SealKeyPermissionError';
  }
}
