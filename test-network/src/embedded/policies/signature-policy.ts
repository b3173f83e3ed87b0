import { common } from '@hyperledger/fabric-protos';
import type { VerifiedIdentity } from '../msp';
import { deduplicate } from './signature-set';
import type { Policy, PolicyResult } from './policy';
import { compilePrincipal, type Principal } from './principal';

/** A compiled rule: evaluates over the identities and marks the ones it consumed in `used`. */
type Gate = (identities: readonly VerifiedIdentity[], used: boolean[]) => boolean;

interface CompiledRule {
  readonly gate: Gate;
  /** The rule as the policy DSL writes it, e.g. `AND('Org1MSP.peer', 'Org2MSP.peer')`. */
  readonly description: string;
  readonly principals: readonly Principal[];
}

/**
 * Compiles a `common.SignaturePolicyEnvelope` (the policy DSL's output, e.g. an endorsement policy
 * `AND('Org1MSP.peer', 'Org2MSP.peer')`) into a {@link Policy}, as Fabric's `cauthdsl` does.
 * Evaluation is Fabric's, including its greedy matching: each identity satisfies at most one
 * principal, `SignedBy` takes the first unused identity that satisfies it, and an `NOutOf` keeps
 * the identities consumed by each satisfied branch. Throws if the envelope is malformed or uses a
 * principal type it cannot evaluate (see {@link compilePrincipal}).
 *
 * @example
 * ```ts
 * const policy = signaturePolicy(common.SignaturePolicyEnvelope.deserializeBinary(policyBytes));
 * const { satisfied, reason } = policy.evaluate(endorsers);
 * ```
 */
export function signaturePolicy(envelope: common.SignaturePolicyEnvelope): Policy {
  if (envelope.getVersion() !== 0) {
    throw new Error(`signature policy envelope has version ${envelope.getVersion()}; only version 0 exists`);
  }
  const rule = envelope.getRule();
  if (!rule) throw new Error('signature policy envelope has no rule');
  const principals = envelope.getIdentitiesList().map((principal, index) => compilePrincipal(principal, index));
  const compiled = compile(rule, principals);

  return {
    evaluate(identities: readonly VerifiedIdentity[]): PolicyResult {
      const signers = deduplicate(identities);
      if (compiled.gate(signers, new Array<boolean>(signers.length).fill(false))) return { satisfied: true };
      return { satisfied: false, reason: unsatisfiedReason(compiled, signers) };
    },
  };
}

function compile(rule: common.SignaturePolicy, principals: readonly Principal[]): CompiledRule {
  switch (rule.getTypeCase()) {
    case common.SignaturePolicy.TypeCase.SIGNED_BY:
      return signedBy(rule.getSignedBy(), principals);
    case common.SignaturePolicy.TypeCase.N_OUT_OF: {
      const nOutOf = rule.getNOutOf()!;
      return outOf(nOutOf.getN(), nOutOf.getRulesList().map((child) => compile(child, principals)));
    }
    default:
      throw new Error('signature policy rule is neither signed_by nor n_out_of');
  }
}

function signedBy(index: number, principals: readonly Principal[]): CompiledRule {
  const principal = principals[index];
  if (principal === undefined) {
    throw new Error(`signature policy rule signed_by ${index} names no principal: the envelope has ${principals.length} (0 to ${principals.length - 1})`);
  }
  return {
    description: principal.description,
    principals: [principal],
    gate(identities, used) {
      for (let i = 0; i < identities.length; i++) {
        if (!used[i] && principal.isSatisfiedBy(identities[i]!)) {
          used[i] = true;
          return true;
        }
      }
      return false;
    },
  };
}

function outOf(n: number, rules: readonly CompiledRule[]): CompiledRule {
  return {
    description: describeOutOf(n, rules),
    principals: [...new Set(rules.flatMap((rule) => rule.principals))],
    gate(identities, used) {
      let satisfied = 0;
      for (const rule of rules) {
        // Each branch works on a copy: a failed branch must not consume identities.
        const trial = [...used];
        if (rule.gate(identities, trial)) {
          satisfied++;
          trial.forEach((value, i) => (used[i] = value));
        }
      }
      return satisfied >= n;
    },
  };
}

function describeOutOf(n: number, rules: readonly CompiledRule[]): string {
  const list = rules.map((rule) => rule.description).join(', ');
  if (n === rules.length) return `AND(${list})`;
  if (n === 1) return `OR(${list})`;
  return `OutOf(${n}, ${list})`;
}

function unsatisfiedReason(rule: CompiledRule, signers: readonly VerifiedIdentity[]): string {
  const missing = rule.principals.filter((principal) => !signers.some((signer) => principal.isSatisfiedBy(signer)));
  const signedBy = signers.length === 0 ? 'no one' : signers.map(describeSigner).join(', ');
  const gap = missing.length > 0 ? `no signature satisfies ${missing.map((p) => p.description).join(', ')}` : 'each signer counts once and there are too few';
  return `signature policy ${rule.description} is not satisfied: ${gap} (signed by ${signedBy})`;
}

function describeSigner(identity: VerifiedIdentity): string {
  const roles = [...identity.roles].filter((role) => role !== 'member');
  const commonName = /^CN=(.*)$/m.exec(identity.certificate.subject)?.[1];
  return `${identity.mspId} ${roles.length ? roles.join('/') : 'member'}${commonName ? ` ${commonName}` : ''}`;
}
