import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { common, msp, orderer, peer } from '@hyperledger/fabric-protos';
import { channelConfig, goDuration } from './channel-config';
import { generateNetworkCrypto, type NetworkCrypto } from './identities';
import { loadNetworkDescription, type NetworkDescription } from './network-description';
import { parsePolicyDsl } from './policy-dsl';

let cryptoDir: string;
let crypto: NetworkCrypto;
const description = (): NetworkDescription => loadNetworkDescription(undefined, {});

before(async () => {
  cryptoDir = mkdtempSync(join(tmpdir(), 'channel-config-'));
  crypto = await generateNetworkCrypto(description(), cryptoDir);
});

after(() => rmSync(cryptoDir, { recursive: true, force: true }));

function group(parent: common.ConfigGroup | undefined, ...path: string[]): common.ConfigGroup {
  let current = parent;
  for (const name of path) current = current?.getGroupsMap().get(name);
  assert.ok(current, `group ${path.join('/')} exists`);
  return current;
}

function value<T>(from: common.ConfigGroup, key: string, decode: (bytes: Uint8Array) => T): T {
  const configValue = from.getValuesMap().get(key);
  assert.ok(configValue, `value ${key} exists`);
  return decode(configValue.getValue_asU8());
}

function implicitMeta(from: common.ConfigGroup, name: string): string {
  const policy = from.getPoliciesMap().get(name)?.getPolicy();
  assert.equal(policy?.getType(), common.Policy.PolicyType.IMPLICIT_META, `${name} is implicit meta`);
  const meta = common.ImplicitMetaPolicy.deserializeBinary(policy.getValue_asU8());
  const rule = Object.entries(common.ImplicitMetaPolicy.Rule).find(([, n]) => n === meta.getRule())?.[0];
  return `${rule} ${meta.getSubPolicy()}`;
}

function signaturePolicy(from: common.ConfigGroup, name: string): Uint8Array {
  const policy = from.getPoliciesMap().get(name)?.getPolicy();
  assert.equal(policy?.getType(), common.Policy.PolicyType.SIGNATURE, `${name} is a signature policy`);
  return policy.getValue_asU8();
}

const capabilityNames = (bytes: Uint8Array) => [...common.Capabilities.deserializeBinary(bytes).getCapabilitiesMap().keys()];

test('round-trips through protobuf serialisation unchanged', () => {
  const bytes = channelConfig(description(), crypto).serializeBinary();
  const decoded = common.Config.deserializeBinary(bytes);
  assert.deepEqual(decoded.serializeBinary(), bytes);
  assert.equal(decoded.getSequence(), 0);
  assert.deepEqual(decoded.getChannelGroup()?.getGroupsMap().getEntryList().map(([name]) => name).sort(), ['Application', 'Orderer']);
});

test('the channel group hashes with SHA256 over width 4294967295, requires V3_0 and carries no global orderer addresses', () => {
  const channel = common.Config.deserializeBinary(channelConfig(description(), crypto).serializeBinary()).getChannelGroup()!;
  assert.equal(value(channel, 'HashingAlgorithm', common.HashingAlgorithm.deserializeBinary).getName(), 'SHA256');
  assert.equal(value(channel, 'BlockDataHashingStructure', common.BlockDataHashingStructure.deserializeBinary).getWidth(), 4294967295);
  assert.deepEqual(value(channel, 'Capabilities', capabilityNames), ['V3_0']);
  assert.equal(channel.getValuesMap().has('OrdererAddresses'), false);
  assert.deepEqual([implicitMeta(channel, 'Readers'), implicitMeta(channel, 'Writers'), implicitMeta(channel, 'Admins')], ['ANY Readers', 'ANY Writers', 'MAJORITY Admins']);
});

test('every department is an application organisation with its MSP, root certificates and NodeOUs', () => {
  const network = description();
  const application = group(channelConfig(network, crypto).getChannelGroup(), 'Application');
  assert.deepEqual(application.getGroupsMap().getEntryList().map(([name]) => name).sort(), network.departments.map((d) => d.mspId).sort());
  for (const department of crypto.departments) {
    const organization = group(application, department.mspId);
    const mspConfig = value(organization, 'MSP', msp.MSPConfig.deserializeBinary);
    assert.equal(mspConfig.getType(), 0);
    const fabric = msp.FabricMSPConfig.deserializeBinary(mspConfig.getConfig_asU8());
    assert.equal(fabric.getName(), department.mspId);
    assert.deepEqual(fabric.getRootCertsList_asU8().map((c) => Buffer.from(c).toString()), [department.caCertificatePem]);
    assert.deepEqual(fabric.getTlsRootCertsList_asU8().map((c) => Buffer.from(c).toString()), [department.tlsCaCertificatePem]);
    assert.deepEqual(fabric.getAdminsList(), []);
    assert.equal(fabric.getCryptoConfig()?.getSignatureHashFamily(), 'SHA2');
    assert.equal(fabric.getCryptoConfig()?.getIdentityIdentifierHashFunction(), 'SHA256');
    const nodeOus = fabric.getFabricNodeOus();
    assert.equal(nodeOus?.getEnable(), true);
    for (const [role, identifier] of [
      ['client', nodeOus?.getClientOuIdentifier()], ['peer', nodeOus?.getPeerOuIdentifier()],
      ['admin', nodeOus?.getAdminOuIdentifier()], ['orderer', nodeOus?.getOrdererOuIdentifier()],
    ] as const) {
      assert.equal(identifier?.getOrganizationalUnitIdentifier(), role);
      assert.equal(Buffer.from(identifier.getCertificate_asU8()).toString(), department.caCertificatePem);
    }
    const id = department.mspId;
    assert.deepEqual(signaturePolicy(organization, 'Readers'), parsePolicyDsl(`OR('${id}.admin', '${id}.peer', '${id}.client')`).serializeBinary());
    assert.deepEqual(signaturePolicy(organization, 'Writers'), parsePolicyDsl(`OR('${id}.admin', '${id}.client')`).serializeBinary());
    assert.deepEqual(signaturePolicy(organization, 'Admins'), parsePolicyDsl(`OR('${id}.admin')`).serializeBinary());
    assert.deepEqual(signaturePolicy(organization, 'Endorsement'), parsePolicyDsl(`OR('${id}.peer')`).serializeBinary());
    const anchors = value(organization, 'AnchorPeers', peer.AnchorPeers.deserializeBinary).getAnchorPeersList();
    const port = network.departments.find((d) => d.mspId === id)?.peerPort;
    assert.deepEqual(anchors.map((a) => `${a.getHost()}:${a.getPort()}`), [`127.0.0.1:${port}`]);
  }
});

test('application policies: ANY readers and writers, MAJORITY admins and lifecycle, endorsement from the description', () => {
  const application = group(channelConfig(description(), crypto).getChannelGroup(), 'Application');
  assert.deepEqual(value(application, 'Capabilities', capabilityNames), ['V2_5']);
  assert.deepEqual(
    ['Readers', 'Writers', 'Admins', 'Endorsement', 'LifecycleEndorsement'].map((name) => implicitMeta(application, name)),
    ['ANY Readers', 'ANY Writers', 'MAJORITY Admins', 'MAJORITY Endorsement', 'MAJORITY Endorsement'],
  );
  const anyOf = structuredClone(description());
  anyOf.chaincode.endorsementPolicy = 'ANY';
  assert.equal(implicitMeta(group(channelConfig(anyOf, crypto).getChannelGroup(), 'Application'), 'Endorsement'), 'ANY Endorsement');
  const signature = structuredClone(description());
  signature.chaincode.endorsementPolicy = "OutOf(2, 'BigDataAdministrationMSP.peer', 'MarketRegulationMSP.peer')";
  assert.equal(implicitMeta(group(channelConfig(signature, crypto).getChannelGroup(), 'Application'), 'Endorsement'), 'MAJORITY Endorsement');
});

test('the orderer group is etcdraft over the orderer nodes with the description\'s block cutting', () => {
  const network = description();
  const ordererGroup = group(channelConfig(network, crypto).getChannelGroup(), 'Orderer');
  const consensus = value(ordererGroup, 'ConsensusType', orderer.ConsensusType.deserializeBinary);
  assert.equal(consensus.getType(), 'etcdraft');
  const metadata = orderer.etcdraft.ConfigMetadata.deserializeBinary(consensus.getMetadata_asU8());
  assert.deepEqual(metadata.getConsentersList().map((c) => [c.getHost(), c.getPort(), Buffer.from(c.getServerTlsCert_asU8()).toString(), Buffer.from(c.getClientTlsCert_asU8()).toString()]),
    crypto.orderer.nodes.map((node, i) => ['127.0.0.1', 7050 + 100 * i, node.tls.certificatePem, node.tls.certificatePem]));
  assert.equal(metadata.getOptions()?.getTickInterval(), '500ms');
  const batchSize = value(ordererGroup, 'BatchSize', orderer.BatchSize.deserializeBinary);
  assert.deepEqual([batchSize.getMaxMessageCount(), batchSize.getPreferredMaxBytes(), batchSize.getAbsoluteMaxBytes()], [500, 2097152, 10485760]);
  assert.equal(value(ordererGroup, 'BatchTimeout', orderer.BatchTimeout.deserializeBinary).getTimeout(), '10ms');
  assert.equal(value(ordererGroup, 'ChannelRestrictions', orderer.ChannelRestrictions.deserializeBinary).getMaxCount(), 0);
  assert.deepEqual(value(ordererGroup, 'Capabilities', capabilityNames), ['V2_0']);
  assert.deepEqual(['Readers', 'Writers', 'Admins', 'BlockValidation'].map((name) => implicitMeta(ordererGroup, name)),
    ['ANY Readers', 'ANY Writers', 'MAJORITY Admins', 'ANY Writers']);

  const organization = group(ordererGroup, 'OrdererMSP');
  const fabric = msp.FabricMSPConfig.deserializeBinary(value(organization, 'MSP', msp.MSPConfig.deserializeBinary).getConfig_asU8());
  assert.equal(fabric.getName(), 'OrdererMSP');
  assert.deepEqual(value(organization, 'Endpoints', common.OrdererAddresses.deserializeBinary).getAddressesList(), ['127.0.0.1:7050', '127.0.0.1:7150', '127.0.0.1:7250']);
  assert.deepEqual(signaturePolicy(organization, 'Readers'), parsePolicyDsl("OR('OrdererMSP.member')").serializeBinary());
  assert.deepEqual(signaturePolicy(organization, 'Admins'), parsePolicyDsl("OR('OrdererMSP.admin')").serializeBinary());
});

test('every group, value and policy has version 0 and is modified by Admins, as configtxgen writes them', () => {
  const visited: string[] = [];
  const visit = (configGroup: common.ConfigGroup, path: string) => {
    visited.push(path);
    assert.equal(configGroup.getModPolicy(), 'Admins', path);
    assert.equal(configGroup.getVersion(), 0, path);
    // jspb maps hand out message instances through forEach/get, not through getEntryList.
    configGroup.getValuesMap().forEach((configValue, key) => assert.deepEqual([configValue.getModPolicy(), configValue.getVersion()], ['Admins', 0], `${path}/${key}`));
    configGroup.getPoliciesMap().forEach((configPolicy, key) => assert.deepEqual([configPolicy.getModPolicy(), configPolicy.getVersion()], ['Admins', 0], `${path}/${key}`));
    configGroup.getGroupsMap().forEach((child, key) => visit(child, `${path}/${key}`));
  };
  visit(channelConfig(description(), crypto).getChannelGroup()!, '/Channel');
  assert.equal(visited.length, 1 + 2 + 1 + description().departments.length);
});

test('BatchTimeout is written as Go prints a duration', () => {
  assert.deepEqual([50, 999, 1000, 1500, 2000, 60_000, 61_250, 3_600_000].map(goDuration), ['50ms', '999ms', '1s', '1.5s', '2s', '1m0s', '1m1.25s', '1h0m0s']);
});
