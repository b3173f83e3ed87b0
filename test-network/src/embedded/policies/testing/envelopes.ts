import { common, msp } from '@hyperledger/fabric-protos';

/**
 * Builders of `common.SignaturePolicyEnvelope` for tests, after Fabric's `common/policydsl`
 * helpers (`SignedBy`, `NOutOf`, `And`, `Or`, `Envelope`), so that ported Fabric tests read the same.
 */

export type RoleName = keyof msp.MSPRole.MSPRoleTypeMap;

export function signedBy(index: number): common.SignaturePolicy {
  const rule = new common.SignaturePolicy();
  rule.setSignedBy(index);
  return rule;
}

export function nOutOf(n: number, ...rules: common.SignaturePolicy[]): common.SignaturePolicy {
  const outOf = new common.SignaturePolicy.NOutOf();
  outOf.setN(n);
  outOf.setRulesList(rules);
  const rule = new common.SignaturePolicy();
  rule.setNOutOf(outOf);
  return rule;
}

export function and(...rules: common.SignaturePolicy[]): common.SignaturePolicy {
  return nOutOf(rules.length, ...rules);
}

export function or(...rules: common.SignaturePolicy[]): common.SignaturePolicy {
  return nOutOf(1, ...rules);
}

export function rolePrincipal(mspId: string, role: RoleName): msp.MSPPrincipal {
  const mspRole = new msp.MSPRole();
  mspRole.setMspIdentifier(mspId);
  mspRole.setRole(msp.MSPRole.MSPRoleType[role]);
  return principal(msp.MSPPrincipal.Classification.ROLE, mspRole.serializeBinary());
}

export function identityPrincipal(serializedIdentity: Uint8Array): msp.MSPPrincipal {
  return principal(msp.MSPPrincipal.Classification.IDENTITY, serializedIdentity);
}

export function principal(
  classification: msp.MSPPrincipal.ClassificationMap[keyof msp.MSPPrincipal.ClassificationMap],
  bytes: Uint8Array,
): msp.MSPPrincipal {
  const result = new msp.MSPPrincipal();
  result.setPrincipalClassification(classification);
  result.setPrincipal(bytes);
  return result;
}

export function envelope(rule: common.SignaturePolicy | undefined, principals: msp.MSPPrincipal[]): common.SignaturePolicyEnvelope {
  const result = new common.SignaturePolicyEnvelope();
  result.setVersion(0);
  if (rule) result.setRule(rule);
  result.setIdentitiesList(principals);
  return result;
}
