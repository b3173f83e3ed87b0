import { isUscc } from '@citytrust/shared';
import { Uscc } from '../values/uscc';
import { valueProblem } from '../values/value-rule';

/**
 * What is wrong with `value` as a Unified Social Credit Code, or undefined when it is one: the
 * form is the `Uscc` schema's; this adds the check character, so that a typo is refused at the
 * door instead of binding an account to another enterprise, or to none.
 */
export function usccProblem(value: string): string | undefined {
  const problem = valueProblem(Uscc, value);
  if (problem) return problem.rule;
  if (!isUscc(value)) return 'the code\'s check character does not match its other characters; check it for a typo';
  return undefined;
}
