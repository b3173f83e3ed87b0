import { Type, type Static } from '@sinclair/typebox';

/**
 * A citizen's identity number (公民身份号码, GB 11643-1999) in the form the gateway accepts:
 * 17 digits and a check character (a lower-case x is read as X). Its check character is
 * verified by `identityNumberProblem` (`subjects/identity-number.ts`), which starts from this
 * schema; the number is used once to derive the subject key, then forgotten.
 */
export const IdentityNumber = Type.String({
  pattern: '^[0-9]{17}[0-9Xx]$',
  description: 'an identity number has 17 digits followed by a digit or X',
});
export type IdentityNumber = Static<typeof IdentityNumber>;
