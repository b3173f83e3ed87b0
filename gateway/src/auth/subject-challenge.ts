import { randomBytes, randomUUID } from 'node:crypto';
import { importSm2PublicKey, sm2Verify } from '@citytrust/shared';
import type { Database } from '../database/database';
import { UnauthenticatedError } from '../errors';
import { isSubjectRole } from '../roles';
import type { User } from '../users/user';
import type { UserStore } from '../users/user-store';

/**
 * Subject users (citizens and enterprises' accounts) log in without a password: the gateway hands
 * out a single-use challenge, the user signs it with the SM2 key bound to their subject (GB/T
 * 32918, user ID 1234567812345678, exactly what `openssl pkeyutl -sign -rawin -digest sm3
 * -pkeyopt distid:1234567812345678` does), and the gateway checks the signature against the key it
 * has on record. The challenge's text is the same for both kinds, so it tells no one which kind
 * of account (if any) a username is.
 */
export interface SubjectChallenges {
  /** A challenge for this username. An unknown username gets one too, so usernames cannot be probed. */
  issue(username: string, now?: Date): Promise<{ challengeId: string; challenge: string; expiresAt: Date }>;
  /** The subject user whose key signed the challenge; a challenge can be answered once, before it expires. */
  answer(challengeId: string, signature: Buffer, now?: Date): Promise<User>;
}

const lifetimeMs = 2 * 60_000;
const refusal = 'the challenge is unknown, expired or already used, or the signature does not verify with the account\'s registered SM2 key; ask for a new challenge';

export function newSubjectChallenges(db: Database, users: UserStore): SubjectChallenges {
  return {
    async issue(username, now = new Date()) {
      const user = await users.findByUsername(username);
      const userId = user && isSubjectRole(user.role) && !user.disabledAt ? user.id : null;
      const challengeId = randomUUID();
      const expiresAt = new Date(now.getTime() + lifetimeMs);
      const challenge = [
        'CityTrust subject login',
        `username: ${username}`,
        `challenge: ${challengeId}`,
        `nonce: ${randomBytes(24).toString('base64url')}`,
        `expires: ${expiresAt.toISOString()}`,
      ].join('\n');
      // Expired challenges are worthless; clearing them here keeps the table small without a timer.
      await db.pool.query('DELETE FROM subject_challenges WHERE expires_at < $1', [new Date(now.getTime() - 3_600_000)]);
      await db.pool.query('INSERT INTO subject_challenges (id, user_id, challenge, expires_at) VALUES ($1, $2, $3, $4)', [challengeId, userId, challenge, expiresAt]);
      return { challengeId, challenge, expiresAt };
    },
    async answer(challengeId, signature, now = new Date()) {
      // Marking the challenge used in the same statement that reads it makes it single-use even
      // when two answers race.
      const { rows } = await db.pool.query<{ user_id: string | null; challenge: string }>(
        `UPDATE subject_challenges SET used_at = $2 WHERE id = $1 AND used_at IS NULL AND expires_at > $2 RETURNING user_id, challenge`,
        [challengeId, now],
      );
      const row = rows[0];
      const user = row?.user_id ? await users.findById(row.user_id) : undefined;
      if (!row || !user?.loginPublicKey || user.disabledAt) throw new UnauthenticatedError(refusal);
      if (!sm2Verify(importSm2PublicKey(user.loginPublicKey), Buffer.from(row.challenge, 'utf8'), signature)) {
        throw new UnauthenticatedError(refusal);
      }
      return user;
    },
  };
}
