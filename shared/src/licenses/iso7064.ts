/**
 * ISO/IEC 7064 (GB/T 17710) hybrid system MOD 37,36: one check character from 0-9A-Z over a
 * string of the same characters. Hybrid systems protect an alphanumeric string with a check
 * character of the same set (no supplementary `*` as in the pure MOD 37-2), which is why an
 * identifier's check character is always a digit or a capital letter.
 */
const ALPHANUMERIC = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const M = 36;

/** The MOD 37,36 check character of `body` (characters 0-9A-Z only; anything else is a RangeError). */
export function mod37_36CheckCharacter(body: string): string {
  let product = M;
  for (const character of body) {
    const value = ALPHANUMERIC.indexOf(character);
    if (value < 0) throw new RangeError(`ISO 7064 MOD 37,36 protects 0-9 and A-Z only, got ${JSON.stringify(character)}`);
    const sum = (product + value) % M || M;
    product = (sum * 2) % (M + 1);
  }
  return ALPHANUMERIC[(M + 1 - product) % M]!;
}
