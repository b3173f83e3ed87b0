import { Type, type Static } from '@sinclair/typebox';

/**
 * An enterprise's Unified Social Credit Code (统一社会信用代码, GB 32100-2015) in the form the
 * gateway accepts: 18 characters from the standard's set. Its check character is verified by
 * `usccProblem` (`subjects/uscc.ts`), which starts from this schema.
 */
export const Uscc = Type.String({
  pattern: '^[0-9A-HJ-NPQRTUWXY]{18}$',
  description: 'a Unified Social Credit Code has 18 characters: digits and upper-case letters other than I, O, S, V and Z',
});
export type Uscc = Static<typeof Uscc>;
