import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { DepartmentId, IdentityNumber, Password, PresentedPassword, Role, StaffRole, Username, Uscc } from '../values';

/**
 * The API's messages. Each schema validates requests at the edge, types the handlers, and
 * documents the API in the OpenAPI document: one definition, three uses. Objects refuse
 * fields they do not define, so a misspelt field is an error instead of being ignored.
 */
const strict = { additionalProperties: false } as const;

export const ErrorBody = Type.Object({
  error: Type.Object({
    code: Type.String({ description: 'Stable, machine-readable: invalid_request, unauthenticated, forbidden, not_found, conflict, rate_limited, ledger_unavailable, ...' }),
    message: Type.String({ description: 'What went wrong and what to do about it, for a person.' }),
    details: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'e.g. `field`: the request field that is wrong.' })),
  }),
}, { $id: 'ErrorBody', title: 'Error' });

// The rules about single values (usernames, roles, ...) live in ../values, shared with the CLI
// and the user store; the messages below are built from them.

export const UserView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  username: Username,
  role: Role,
  department: Type.Optional(DepartmentId),
  subjectKey: Type.Optional(Type.String({ description: 'A citizen\'s pseudonymous subject key (never the identity number).' })),
  uscc: Type.Optional(Type.String({ description: 'The Unified Social Credit Code of the enterprise an enterprise account acts for.' })),
  createdAt: Type.String({ format: 'date-time' }),
  createdBy: Type.String(),
  disabledAt: Type.Optional(Type.String({ format: 'date-time', description: 'Present while the user is disabled.' })),
  disabledBy: Type.Optional(Type.String({ description: 'Who disabled the user: an admin\'s username, or the CLI command.' })),
  enabledAt: Type.Optional(Type.String({ format: 'date-time', description: 'When the user was last re-enabled after a disable.' })),
  enabledBy: Type.Optional(Type.String({ description: 'Who re-enabled the user.' })),
}, { $id: 'User', title: 'User' });

export const LoginRequest = Type.Object({ username: Username, password: PresentedPassword }, strict);
export const TokenResponse = Type.Object({
  token: Type.String({ description: 'Send as "Authorization: Bearer <token>".' }),
  expiresAt: Type.String({ format: 'date-time' }),
  user: UserView,
});

export const CreateUserRequest = Type.Object({
  username: Username,
  role: StaffRole,
  department: Type.Optional(DepartmentId),
  password: Password,
}, strict);

export const RegisterCitizenRequest = Type.Object({
  username: Username,
  // Used once to derive the pseudonymous subject key, then forgotten (the route's description says so).
  identityNumber: IdentityNumber,
  publicKey: Type.String({ maxLength: 2048, description: 'The citizen\'s SM2 public key, SubjectPublicKeyInfo PEM; they log in by signing a challenge with it.' }),
}, strict);

export const RegisterEnterpriseRequest = Type.Object({
  username: Username,
  uscc: Uscc,
  publicKey: Type.String({ maxLength: 2048, description: 'The SM2 public key of the enterprise\'s legal representative or authorized agent, SubjectPublicKeyInfo PEM; they log in by signing a challenge with it.' }),
}, strict);

export const CitizenChallengeRequest = Type.Object({ username: Username }, strict);
export const CitizenChallenge = Type.Object({
  challengeId: Type.String({ format: 'uuid' }),
  challenge: Type.String({ description: 'Sign these exact UTF-8 bytes with SM2 (user ID 1234567812345678), e.g. `openssl pkeyutl -sign -rawin -digest sm3 -pkeyopt distid:1234567812345678 -inkey key.pem -in challenge.txt`.' }),
  expiresAt: Type.String({ format: 'date-time' }),
});
export const CitizenLoginRequest = Type.Object({
  challengeId: Type.String({ format: 'uuid' }),
  signature: Type.String({ maxLength: 200, pattern: '^[A-Za-z0-9+/=]+$', description: 'The DER SM2 signature of the challenge, base64.' }),
}, strict);

export const UsernameParams = Type.Object({ username: Username }, strict);
export const DepartmentQuery = Type.Object({ department: Type.Optional(DepartmentId) }, strict);
export const UserList = Type.Object({ users: Type.Array(UserView) });

export const Health = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('degraded')]),
  components: Type.Object({
    database: Type.Object({ reachable: Type.Boolean(), detail: Type.String() }),
    ledger: Type.Object({ reachable: Type.Boolean(), detail: Type.String(), height: Type.Optional(Type.Integer({ minimum: 0, description: 'The channel\'s block height' })) }),
  }),
});

/** Response schemas for an operation: its success body plus the error shape for every error status. */
export function responses(success: Record<number, TSchema>, errors: number[]): Record<number, TSchema> {
  const all: Record<number, TSchema> = { ...success };
  for (const status of [...errors, 429, 500]) all[status] = Type.Ref(ErrorBody);
  return all;
}

export type LoginRequest = Static<typeof LoginRequest>;
export type CreateUserRequest = Static<typeof CreateUserRequest>;
export type RegisterCitizenRequest = Static<typeof RegisterCitizenRequest>;
export type RegisterEnterpriseRequest = Static<typeof RegisterEnterpriseRequest>;
export type UserView = Static<typeof UserView>;
export type CitizenLoginRequest = Static<typeof CitizenLoginRequest>;
