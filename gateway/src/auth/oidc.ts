import { createRemoteJWKSet, errors as joseErrors, jwtVerify } from 'jose';
import type { OidcConfig } from '../config';
import { UnauthenticatedError } from '../errors';
import type { Principal } from '../principal';
import { isRole, isSubjectRole } from '../roles';

/**
 * Bearer tokens from the city's unified identity platform (统一身份认证, OIDC). The platform
 * signs JWTs; the gateway checks them against the platform's published keys (JWKS), its issuer
 * and this gateway's audience, and takes the CityTrust role and department from configured claims.
 */
export interface OidcVerifier {
  readonly issuer: string;
  verify(token: string): Promise<Principal>;
}

export function newOidcVerifier(config: OidcConfig, departments: ReadonlySet<string>): OidcVerifier {
  const keys = createRemoteJWKSet(new URL(config.jwksUrl), { cooldownDuration: 30_000, timeoutDuration: 5_000 });
  return {
    issuer: config.issuer,
    async verify(token) {
      const { payload } = await jwtVerify(token, keys, { issuer: config.issuer, audience: config.audience }).catch((error: unknown) => {
        throw new UnauthenticatedError(`the identity platform's token was refused: ${describe(error)}`);
      });
      const role = String(payload[config.roleClaim] ?? '');
      if (!isRole(role)) throw new UnauthenticatedError(`the identity platform's token has no valid '${config.roleClaim}' claim (got '${role}')`);
      const department = payload[config.departmentClaim];
      if ((role === 'department-officer' || role === 'admin') && (typeof department !== 'string' || !departments.has(department))) {
        throw new UnauthenticatedError(`the identity platform's token for a ${role} needs a known '${config.departmentClaim}' claim`);
      }
      if (isSubjectRole(role)) throw new UnauthenticatedError(`the ${role} role logs in with an SM2 key (POST /api/v1/auth/citizen/challenge), not with the identity platform's token`);
      return {
        id: `oidc:${config.issuer}#${payload.sub ?? ''}`,
        username: String(payload.preferred_username ?? payload.sub ?? 'unknown'),
        role,
        ...(typeof department === 'string' ? { department } : {}),
        source: 'oidc',
      };
    },
  };
}

function describe(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'it has expired';
  if (error instanceof joseErrors.JWTClaimValidationFailed) return `claim '${error.claim}' ${error.reason === 'check_failed' ? 'does not match' : error.reason}`;
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'its signature does not verify';
  if (error instanceof joseErrors.JWKSNoMatchingKey) return 'it is signed with a key the platform does not publish';
  return error instanceof Error ? error.message : String(error);
}
