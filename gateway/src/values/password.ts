import { Type, type Static } from '@sinclair/typebox';

/** A password being set for a staff user: long enough to resist guessing, short enough to hash cheaply. */
export const Password = Type.String({
  minLength: 12,
  maxLength: 256,
  description: 'a password has 12 to 256 characters',
});
export type Password = Static<typeof Password>;

/**
 * A password presented at login. Looser than `Password` on length (a wrong password is a 401,
 * not a 400 that says how long the right one is), with the same ceiling, so nobody can make the
 * gateway hash megabytes.
 */
export const PresentedPassword = Type.String({ minLength: 1, maxLength: 256, description: 'the user\'s password, up to 256 characters' });
