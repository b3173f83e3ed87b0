import { peer } from '@hyperledger/fabric-protos';
import type { NetworkDescription } from './network-description';
import { parsePolicyDsl } from './policy-dsl';

/** The implicit meta rules a description may name instead of a signature policy. */
export type ImplicitMetaRule = 'ANY' | 'ALL' | 'MAJORITY';

const implicitMetaRules: readonly string[] = ['ANY', 'ALL', 'MAJORITY'];

/** The channel policy a chaincode definition refers to when it has no signature policy of its own. */
export const channelEndorsementPolicyPath = '/Channel/Application/Endorsement';

/** Whether an endorsement policy is an implicit meta rule (MAJORITY/ANY/ALL) rather than a signature policy. */
export function isImplicitMetaRule(policy: string): policy is ImplicitMetaRule {
  return implicitMetaRules.includes(policy);
}

/**
 * The endorsement policy of the chaincode definition, as Fabric's lifecycle stores it: for
 * MAJORITY/ANY/ALL a reference to the channel's `/Channel/Application/Endorsement` policy (which
 * the channel configuration sets to that rule over the departments' Endorsement policies), else
 * the signature policy itself — what `peer lifecycle chaincode approveformyorg` sends with and
 * without `--signature-policy`.
 */
export function chaincodeEndorsementPolicy(description: Pick<NetworkDescription, 'chaincode'>): peer.ApplicationPolicy {
  const policy = new peer.ApplicationPolicy();
  const rule = description.chaincode.endorsementPolicy;
  if (isImplicitMetaRule(rule)) policy.setChannelConfigPolicyReference(channelEndorsementPolicyPath);
  else policy.setSignaturePolicy(parsePolicyDsl(rule));
  return policy;
}
