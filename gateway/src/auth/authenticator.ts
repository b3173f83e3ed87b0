import { decodeJwt } from 'jose';
import { UnauthenticatedError } from '../errors';
import { localPrincipal, type Principal } from '../principal';
import type { UserStore } from '../users/user-store';
import type { AccessTokenIssuer } from './access-token';
import type { OidcVerifier } from './oidc';

/**
 * Turns an Authorization header into the Principal behind it, or says why it cannot, in two
 * steps so the rate limiter can sit between them: `verify` checks the token itself (its
 * signature, lifetime and issuer) without the database, which names whose budget a request
 * spends; `principal` then looks a local user up (gone, or disabled since the token was issued).
 * A request with a bad token is thus limited by its client address and never reaches the database.
 */
export interface Authenticator {
  /** The token's verified subject, or an UnauthenticatedError that says what is wrong with it. */
  verify(authorization: string | undefined): Promise<VerifiedToken>;
  /** The principal behind a verified token; a 401 when the local user is gone or disabled. */
  principal(token: VerifiedToken): Promise<Principal>;
}

/** A token whose signature and lifetime check out: a local user's (by id) or the identity platform's. */
export type VerifiedToken =
  | { readonly source: 'local'; readonly userId: string }
  | { readonly source: 'oidc'; readonly principal: Principal };

/** Whose budget a verified token spends: one per user, however many addresses they come from. */
export function tokenSubject(token: VerifiedToken): string {
  return token.source === 'local' ? token.userId : token.principal.id;
}

export function newAuthenticator(tokens: AccessTokenIssuer, users: UserStore, oidc: OidcVerifier | undefined): Authenticator {
  return {
    async verify(authorization) {
      if (!authorization) throw new UnauthenticatedError('this endpoint needs an access token: send "Authorization: Bearer <token>" (POST /api/v1/auth/login gives one)');
      // RFC 7235: the scheme is case-insensitive ("bearer" is "Bearer"); RFC 6750's token68 may
      // end in padding but holds no other '='.
      const match = /^bearer +([A-Za-z0-9._~+/-]+=*)$/i.exec(authorization);
      if (!match) throw new UnauthenticatedError('the Authorization header must be "Bearer <token>"');
      const token = match[1]!;
      if (!token.startsWith('ct1.')) return { source: 'oidc', principal: await fromIdentityPlatform(token, oidc) };
      return { source: 'local', userId: tokens.verify(token).sub };
    },
    async principal(token) {
      if (token.source === 'oidc') return token.principal;
      const user = await users.findById(token.userId);
      if (!user) throw new UnauthenticatedError('the access token names a user that no longer exists');
      if (user.disabledAt) {
        throw new UnauthenticatedError(`user '${user.username}' was disabled at ${user.disabledAt.toISOString()}${user.disabledBy ? ` by ${user.disabledBy}` : ''}; an admin of their department (or the operator, with 'citytrust user enable') can enable them again`);
      }
      return localPrincipal(user);
    },
  };
}

function fromIdentityPlatform(token: string, oidc: OidcVerifier | undefined): Promise<Principal> {
  let issuer: string | undefined;
  try {
    issuer = decodeJwt(token).iss;
  } catch {
    throw new UnauthenticatedError('the access token is neither this gateway\'s nor a JWT from the identity platform');
  }
  if (!oidc) throw new UnauthenticatedError('this gateway accepts no identity-platform tokens (GATEWAY_OIDC_ISSUER is not set); log in with POST /api/v1/auth/login');
  if (issuer !== oidc.issuer) throw new UnauthenticatedError(`tokens from issuer '${issuer}' are not accepted; this gateway trusts '${oidc.issuer}'`);
  return oidc.verify(token);
}
