import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { UnauthenticatedError } from '../errors';
import { newAccessTokenIssuer } from './access-token';

const issuer = newAccessTokenIssuer(randomBytes(32), 900);

describe('access tokens', () => {
  it('carry the user and role they were issued for', () => {
    const { token } = issuer.issue('u-1', 'auditor');
    assert.deepEqual({ ...issuer.verify(token), iat: 0, exp: 0 }, { sub: 'u-1', role: 'auditor', iat: 0, exp: 0 });
  });

  it('expire after their lifetime, saying when', () => {
    const issuedAt = new Date('2026-11-22T10:00:00Z');
    const { token, expiresAt } = issuer.issue('u-1', 'citizen', issuedAt);
    assert.equal(expiresAt.toISOString(), '2026-11-22T10:15:00.000Z');
    assert.throws(() => issuer.verify(token, new Date('2026-11-22T10:15:00Z')), /expired at 2026-11-22T10:15:00.000Z/);
  });

  it('reject a token whose claims were changed, e.g. to raise the role', () => {
    const { token } = issuer.issue('u-1', 'citizen');
    const [version, body, mac] = token.split('.');
    const claims = JSON.parse(Buffer.from(body!, 'base64url').toString());
    const forged = `${version}.${Buffer.from(JSON.stringify({ ...claims, role: 'admin' })).toString('base64url')}.${mac}`;
    assert.throws(() => issuer.verify(forged), (e: unknown) => e instanceof UnauthenticatedError && /altered/.test(e.message));
  });

  it('reject a token issued with another key', () => {
    const { token } = newAccessTokenIssuer(randomBytes(32), 900).issue('u-1', 'admin');
    assert.throws(() => issuer.verify(token), /not issued by this gateway/);
  });

  describe('have one spelling: other spellings of a valid token are refused', () => {
    const { token } = issuer.issue('u-1', 'auditor');
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    // The MAC's 32 bytes take 43 base64url characters; the last one's two low bits are spare,
    // so a lenient decoder reads this changed token as the same bytes.
    const last = alphabet.indexOf(token.at(-1)!);
    const spareBitsChanged = `${token.slice(0, -1)}${alphabet[last ^ 0b01]}`;
    const spellings: Record<string, string> = {
      'an extra segment': `${token}.extra`,
      'an empty extra segment': `${token}.`,
      'padding on the MAC': `${token}=`,
      'the MAC\'s spare bits changed': spareBitsChanged,
      'standard base64 characters in the claims': token.replace(/^ct1\.([^.]*)/, (_all, body: string) => `ct1.${body}+`),
    };
    for (const [what, spelling] of Object.entries(spellings)) {
      it(what, () => {
        assert.notEqual(spelling, token);
        assert.throws(() => issuer.verify(spelling), (e: unknown) => e instanceof UnauthenticatedError && /malformed|altered/.test(e.message));
      });
    }
    it('while the token as issued verifies', () => {
      assert.equal(issuer.verify(token).sub, 'u-1');
    });
  });

  it('reject garbage', () => {
    assert.throws(() => issuer.verify('Bearer nonsense'), /malformed/);
  });
});
