import { test } from 'node:test';
import assert from 'node:assert/strict';
import { peer } from '@hyperledger/fabric-protos';
import { chaincodeEndorsementPolicy, isImplicitMetaRule } from './endorsement-policy';
import { parsePolicyDsl } from './policy-dsl';

const withPolicy = (endorsementPolicy: string) => ({ chaincode: { name: 'citytrust', version: '1.0', endorsementPolicy, serverPort: 9999 } });

test('MAJORITY, ANY and ALL make the chaincode refer to the channel Endorsement policy', () => {
  for (const rule of ['MAJORITY', 'ANY', 'ALL']) {
    assert.ok(isImplicitMetaRule(rule));
    const policy = chaincodeEndorsementPolicy(withPolicy(rule));
    assert.equal(policy.getTypeCase(), peer.ApplicationPolicy.TypeCase.CHANNEL_CONFIG_POLICY_REFERENCE);
    assert.equal(policy.getChannelConfigPolicyReference(), '/Channel/Application/Endorsement');
  }
});

test('a signature policy becomes the chaincode definition\'s own policy', () => {
  const rule = "OutOf(2, 'BigDataAdministrationMSP.peer', 'MarketRegulationMSP.peer', 'CreditOfficeMSP.peer')";
  assert.equal(isImplicitMetaRule(rule), false);
  const policy = chaincodeEndorsementPolicy(withPolicy(rule));
  assert.equal(policy.getTypeCase(), peer.ApplicationPolicy.TypeCase.SIGNATURE_POLICY);
  assert.deepEqual(policy.getSignaturePolicy()?.serializeBinary(), parsePolicyDsl(rule).serializeBinary());
});
