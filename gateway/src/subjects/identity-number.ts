import { IdentityNumber } from '../values/identity-number';
import { valueProblem } from '../values/value-rule';

/**
 * Citizen identity numbers (公民身份号码, GB 11643-1999): 17 digits and a check character
 * computed with ISO 7064 MOD 11-2. The form is the `IdentityNumber` schema's; this adds the check
 * character, so that a typo is refused at the door instead of silently creating a second,
 * unrelated pseudonymous subject.
 */
const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const checkCharacters = '10X98765432';

/** The problem with `value` (normalised) as an identity number, or undefined when it is well formed. */
export function identityNumberProblem(value: string): string | undefined {
  const problem = valueProblem(IdentityNumber, value);
  if (problem) return problem.rule;
  const sum = weights.reduce((total, weight, i) => total + weight * Number(value[i]), 0);
  if (checkCharacters[sum % 11] !== value[17]) return 'the identity number\'s check character does not match its digits; check it for a typo';
  return undefined;
}

/** Upper-cases the check character and drops surrounding space, so one person has one form. */
export function normaliseIdentityNumber(value: string): string {
  return value.trim().toUpperCase();
}
