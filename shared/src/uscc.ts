const USCC_CHARACTERS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/**
 * Whether `code` is a Unified Social Credit Code (统一社会信用代码, GB 32100-2015): 18 characters
 * from the standard's 31-character set whose last is the check character over the first 17.
 * Enterprises are data subjects and license holders by it, and license issuers are named by it.
 */
export function isUscc(code: string): boolean {
  return /^[0-9A-HJ-NPQRTUWXY]{18}$/.test(code) && usccCheckCharacter(code.slice(0, 17)) === code[17];
}

/** The check character GB 32100 puts after the first 17 characters of a USCC (`body`, from the standard's character set). */
export function usccCheckCharacter(body: string): string {
  const sum = USCC_WEIGHTS.reduce((total, weight, i) => total + USCC_CHARACTERS.indexOf(body[i]!) * weight, 0);
  return USCC_CHARACTERS[(31 - (sum % 31)) % 31]!;
}
