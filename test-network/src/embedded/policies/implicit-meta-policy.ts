import type { VerifiedIdentity } from '../msp';
import type { Policy, PolicyResult } from './policy';

/** How many of the departments' sub-policies an implicit meta policy needs (`common.ImplicitMetaPolicy.Rule`). */
export type ImplicitMetaRule = 'ANY' | 'ALL' | 'MAJORITY';

/**
 * Fabric's `ImplicitMetaPolicy` (`common/policies/implicitmeta.go`): a channel policy such as
 * `MAJORITY Endorsement` that holds when enough departments' own policies of that name hold
 * (ANY: one; ALL: every one; MAJORITY: more than half). With no departments it holds, as in
 * Fabric. Each sub-policy sees the whole identity set on its own.
 *
 * @param subPolicies each department's policy, best keyed by MSP id so that a failure names the
 * departments; given as a list they are named by position (`#1`, `#2`, …).
 * @param subPolicyName the sub-policies' common name, e.g. `Endorsement`, for messages.
 *
 * @example
 * ```ts
 * const endorsement = implicitMetaPolicy('MAJORITY', new Map([
 *   ['Org1MSP', signaturePolicy(org1Endorsement)],
 *   ['Org2MSP', signaturePolicy(org2Endorsement)],
 *   ['Org3MSP', signaturePolicy(org3Endorsement)],
 * ]), 'Endorsement');
 * // with Org2MSP's peer alone: "MAJORITY of 3 departments' Endorsement policies needed (2);
 * //   satisfied: Org2MSP; not satisfied: Org1MSP, Org3MSP"
 * ```
 */
export function implicitMetaPolicy(
  rule: ImplicitMetaRule,
  subPolicies: ReadonlyMap<string, Policy> | readonly Policy[],
  subPolicyName?: string,
): Policy {
  const named: readonly (readonly [string, Policy])[] =
    subPolicies instanceof Map ? [...subPolicies] : (subPolicies as readonly Policy[]).map((policy, i) => [`#${i + 1}`, policy] as const);
  const threshold = thresholdOf(rule, named.length);
  const needed = `${rule} of ${named.length} ${subPolicyName === undefined ? 'sub-policies' : `departments' ${subPolicyName} policies`} needed (${threshold})`;
  return {
    evaluate(identities: readonly VerifiedIdentity[]): PolicyResult {
      if (threshold === 0) return { satisfied: true };
      const satisfied: string[] = [];
      const unsatisfied: string[] = [];
      for (const [department, policy] of named) {
        if (policy.evaluate(identities).satisfied) {
          satisfied.push(department);
          if (satisfied.length >= threshold) return { satisfied: true };
        } else {
          unsatisfied.push(department);
        }
      }
      return {
        satisfied: false,
        reason:
          `${needed}; satisfied: ${satisfied.length ? satisfied.join(', ') : 'none'}; not satisfied: ${unsatisfied.join(', ')}`,
      };
    },
  };
}

function thresholdOf(rule: ImplicitMetaRule, count: number): number {
  switch (rule) {
    case 'ANY':
      return Math.min(1, count);
    case 'ALL':
      return count;
    case 'MAJORITY':
      return count === 0 ? 0 : Math.floor(count / 2) + 1;
  }
}
