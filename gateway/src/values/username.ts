import { Type, type Static } from '@sinclair/typebox';

/**
 * A user's login name. The same rule for the API, the CLI and the user store, so a name the CLI
 * accepted can always log in. ASCII only, so that two spellings that look alike (full-width
 * letters, another script's look-alikes) cannot name two different accounts.
 */
export const Username = Type.String({
  pattern: '^[a-z0-9][a-z0-9._-]{2,62}$',
  description: 'a username has 3 to 63 characters: lower-case letters a-z, digits, dot, dash and underscore, starting with a letter or digit',
  examples: ['officer.zhang'],
});
export type Username = Static<typeof Username>;
