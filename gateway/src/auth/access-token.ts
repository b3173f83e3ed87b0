import { timingSafeEqual } from 'node:crypto';
import { hmacSm3 } from '@citytrust/shared';
import { UnauthenticatedError } from '../errors';
import { isRole, type Role } from '../roles';

/**
 * Short-lived access tokens issued by this gateway: `ct1.<claims>.<mac>`, base64url, where the
 * MAC is HMAC-SM3 over `ct1.<claims>` with a key only the gateway holds.
 */
export interface AccessTokenClaims {
  /** User id. */
  readonly sub: string;
  readonly role: Role;
  /** Issued at and expires at, in seconds since the epoch. */
  readonly iat: number;
  readonly exp: number;
}

const prefix = 'ct1';
/** Unpadded base64url, as the gateway writes it. */
const base64url = /^[A-Za-z0-9_-]+$/;

export interface AccessTokenIssuer {
  issue(userId: string, role: Role, now?: Date): { token: string; expiresAt: Date };
  /** The token's claims, or an UnauthenticatedError that says what is wrong with it. */
  verify(token: string, now?: Date): AccessTokenClaims;
}

export function newAccessTokenIssuer(key: Buffer, ttlSeconds: number): AccessTokenIssuer {
  const mac = (text: string) => hmacSm3(key, text);
  return {
    issue(userId, role, now = new Date()) {
      const iat = Math.floor(now.getTime() / 1000);
      const claims: AccessTokenClaims = { sub: userId, role, iat, exp: iat + ttlSeconds };
      const signed = `${prefix}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
      return { token: `${signed}.${mac(signed).toString('base64url')}`, expiresAt: new Date(claims.exp * 1000) };
    },
    verify(token, now = new Date()) {
      const [version, body, tag, ...extra] = token.split('.');
      if (version !== prefix || !body || !tag || extra.length > 0 || !base64url.test(body) || !base64url.test(tag)) {
        throw new UnauthenticatedError('the access token is malformed; log in again to get a new one');
      }
      // The MAC is compared as the text the gateway issued, not as decoded bytes: base64 decoders
      // skip padding and ignore a last character's spare bits, which would let one token be
      // spelt several ways. One token, one spelling.
      const expected = Buffer.from(mac(`${version}.${body}`).toString('base64url'));
      const actual = Buffer.from(tag);
      if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
        throw new UnauthenticatedError('the access token was not issued by this gateway or has been altered');
      }
      const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as AccessTokenClaims;
      if (typeof claims.sub !== 'string' || !isRole(String(claims.role)) || typeof claims.exp !== 'number') {
        throw new UnauthenticatedError('the access token is malformed; log in again to get a new one');
      }
      if (claims.exp * 1000 <= now.getTime()) throw new UnauthenticatedError(`the access token expired at ${new Date(claims.exp * 1000).toISOString()}; log in again`);
      return claims;
    },
  };
}
