import type { RequestLimitsConfig } from '../config';
import { ApiError } from '../errors';
import { newFixedWindowCounter } from '../http/fixed-window-counter';

/**
 * Stops password guessing before it costs a hash: each scrypt guess takes ~100 ms of CPU and
 * 32 MiB, so login attempts are counted per account and per client address, and refused with 429
 * once either has failed too often in the window, without hashing anything. An attempt counts
 * from the moment it is admitted, so parallel guesses cannot slip past the count; a success takes
 * its attempt back and clears the account. Unknown usernames are counted like known ones, so the
 * 429 reveals nothing about which accounts exist.
 */
export interface LoginGuard {
  /** Admits a login attempt, or throws 429 with Retry-After saying which limit was reached. */
  admit(username: string, address: string): void;
  /** The attempt succeeded: it was no guess. */
  succeeded(username: string, address: string): void;
  /** The attempt could not be checked (the database was down): it counts as nothing. */
  unanswered(username: string, address: string): void;
}

export function newLoginGuard(limits: RequestLimitsConfig): LoginGuard {
  const accounts = newFixedWindowCounter(limits.loginFailureWindowMs);
  const addresses = newFixedWindowCounter(limits.loginFailureWindowMs);
  const windowSeconds = limits.loginFailureWindowMs / 1000;
  const refuse = (what: string, max: number, retryAfterSeconds: number) => new ApiError(429, 'rate_limited',
    `too many failed logins ${what}: at most ${max} per ${windowSeconds} s; retry after ${retryAfterSeconds} s`,
    { limit: max, windowSeconds }, retryAfterSeconds);
  return {
    admit(username, address) {
      const account = accounts.peek(username);
      if (account.count >= limits.loginFailuresPerAccount) throw refuse(`for account '${username}'`, limits.loginFailuresPerAccount, account.retryAfterSeconds);
      const client = addresses.peek(address);
      if (client.count >= limits.loginFailuresPerAddress) throw refuse(`from address ${address}`, limits.loginFailuresPerAddress, client.retryAfterSeconds);
      accounts.add(username);
      addresses.add(address);
    },
    succeeded(username, address) {
      accounts.clear(username);
      addresses.subtract(address);
    },
    unanswered(username, address) {
      accounts.subtract(username);
      addresses.subtract(address);
    },
  };
}
