import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { roles } from '../roles';

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

export const RoleSchema = Type.Union(roles.map((role) => Type.Literal(role)), { description: 'What the user may do; see the authorization table.' });
const MspId = Type.String({ pattern: '^[A-Za-z][A-Za-z0-9]*MSP$', maxLength: 64, description: 'A department, by its Fabric MSP id.', examples: ['MarketRegulationMSP'] });
const Username = Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{2,62}$', description: 'Lower-case letters, digits, dot, dash, underscore; 3 to 63 characters.' });
const Password = Type.String({ minLength: 1, maxLength: 256 });

export const UserView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  username: Username,
  role: RoleSchema,
  department: Type.Optional(MspId),
  subjectKey: Type.Optional(Type.String({ description: 'A citizen\'s pseudonymous subject key (never the identity number).' })),
  createdAt: Type.String({ format: 'date-time' }),
  createdBy: Type.String(),
  disabledAt: Type.Optional(Type.String({ format: 'date-time' })),
}, { $id: 'User', title: 'User' });

export const LoginRequest = Type.Object({ username: Username, password: Password }, strict);
export const TokenResponse = Type.Object({
  token: Type.String({ description: 'Send as "Authorization: Bearer <token>".' }),
  expiresAt: Type.String({ format: 'date-time' }),
  user: UserView,
});

export const CreateUserRequest = Type.Object({
  username: Username,
  role: Type.Union(roles.filter((r) => r !== 'citizen').map((role) => Type.Literal(role)), { description: 'Citizens are registered with POST /api/v1/citizens.' }),
  department: Type.Optional(MspId),
  password: Type.String({ minLength: 12, maxLength: 256, description: 'At least 12 characters.' }),
}, strict);

export const RegisterCitizenRequest = Type.Object({
  username: Username,
  identityNumber: Type.String({ minLength: 18, maxLength: 20, description: 'Used once to derive the pseudonymous subject key, then forgotten: never stored or logged.' }),
  publicKey: Type.String({ maxLength: 2048, description: 'The citizen\'s SM2 public key, SubjectPublicKeyInfo PEM; they log in by signing a challenge with it.' }),
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
export const DepartmentQuery = Type.Object({ department: Type.Optional(MspId) }, strict);
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
export type UserView = Static<typeof UserView>;
export type CitizenLoginRequest = Static<typeof CitizenLoginRequest>;
