import { common, msp, orderer, peer } from '@hyperledger/fabric-protos';
import { isImplicitMetaRule, type ImplicitMetaRule } from './endorsement-policy';
import type { DepartmentCrypto, NetworkCrypto, OrdererCrypto } from './identities';
import type { NetworkDescription } from './network-description';
import { endpointAddress, ordererNodes, peerNode } from './network-nodes';
import { parsePolicyDsl } from './policy-dsl';

/**
 * The channel configuration `configtxgen -outputBlock` writes into the genesis block, built
 * from the network description instead of a configtx.yaml (`internal/configtxgen/encoder`,
 * `common/channelconfig`). The profile it reproduces is Fabric's sample application channel
 * with Raft ordering:
 *
 * - Channel: HashingAlgorithm SHA256, BlockDataHashingStructure, Capabilities V3_0, and
 *   Readers/Writers (ANY) and Admins (MAJORITY) implicit meta policies.
 * - Orderer: etcdraft with one consenter per orderer node, BatchSize and BatchTimeout from the
 *   description's block cutting, ChannelRestrictions, Capabilities V2_0, policies including
 *   BlockValidation, and the orderer organisation (with its Endpoints).
 * - Application: one group per department, Capabilities V2_5, and Readers/Writers (ANY), Admins
 *   (MAJORITY), Endorsement (the description's rule) and LifecycleEndorsement (MAJORITY).
 *
 * Every element has version 0 and mod_policy Admins, except as noted, as configtxgen sets them.
 * With the V3_0 channel capability Fabric forbids the channel-level OrdererAddresses value
 * (configtxgen refuses "global orderer endpoints ... can not be used with V3_0 capability"), so
 * orderer endpoints live only in the orderer organisation's Endpoints value.
 */

/** Config group and value keys, as `common/channelconfig` names them. */
export const ConfigKey = {
  ordererGroup: 'Orderer',
  applicationGroup: 'Application',
  hashingAlgorithm: 'HashingAlgorithm',
  blockDataHashingStructure: 'BlockDataHashingStructure',
  capabilities: 'Capabilities',
  consensusType: 'ConsensusType',
  batchSize: 'BatchSize',
  batchTimeout: 'BatchTimeout',
  channelRestrictions: 'ChannelRestrictions',
  msp: 'MSP',
  endpoints: 'Endpoints',
  anchorPeers: 'AnchorPeers',
} as const;

/** Policy names as `common/channelconfig` and configtxgen use them. */
export const PolicyName = {
  readers: 'Readers',
  writers: 'Writers',
  admins: 'Admins',
  endorsement: 'Endorsement',
  lifecycleEndorsement: 'LifecycleEndorsement',
  blockValidation: 'BlockValidation',
} as const;

const admins = PolicyName.admins;

/** Fabric's sample Raft options (sampleconfig/configtx.yaml `EtcdRaft.Options`). */
const raftOptions = {
  tickInterval: '500ms',
  electionTick: 10,
  heartbeatTick: 1,
  maxInflightBlocks: 5,
  snapshotIntervalSize: 16 * 1024 * 1024,
};

/**
 * The channel configuration (`common.Config`, sequence 0) of the description's channel, with
 * every department's MSP and the orderer's, as the genesis block carries it.
 *
 * @example
 * ```ts
 * const config = channelConfig(description, await generateNetworkCrypto(description, cryptoDir));
 * config.getChannelGroup()?.getGroupsMap().get('Application')?.getGroupsMap().keys();
 * ```
 */
export function channelConfig(description: NetworkDescription, crypto: NetworkCrypto): common.Config {
  const channel = configGroup();
  addImplicitMetaPolicy(channel, PolicyName.readers, 'ANY', PolicyName.readers);
  addImplicitMetaPolicy(channel, PolicyName.writers, 'ANY', PolicyName.writers);
  addImplicitMetaPolicy(channel, PolicyName.admins, 'MAJORITY', PolicyName.admins);
  const hashing = new common.HashingAlgorithm();
  hashing.setName('SHA256');
  addValue(channel, ConfigKey.hashingAlgorithm, hashing);
  const hashingStructure = new common.BlockDataHashingStructure();
  hashingStructure.setWidth(0xffffffff);
  addValue(channel, ConfigKey.blockDataHashingStructure, hashingStructure);
  addValue(channel, ConfigKey.capabilities, capabilities('V3_0'));
  channel.getGroupsMap().set(ConfigKey.ordererGroup, ordererGroup(description, crypto.orderer));
  channel.getGroupsMap().set(ConfigKey.applicationGroup, applicationGroup(description, crypto.departments));

  const config = new common.Config();
  config.setSequence(0);
  config.setChannelGroup(channel);
  return config;
}

function ordererGroup(description: NetworkDescription, crypto: OrdererCrypto): common.ConfigGroup {
  const group = configGroup();
  addImplicitMetaPolicy(group, PolicyName.readers, 'ANY', PolicyName.readers);
  addImplicitMetaPolicy(group, PolicyName.writers, 'ANY', PolicyName.writers);
  addImplicitMetaPolicy(group, PolicyName.admins, 'MAJORITY', PolicyName.admins);
  addImplicitMetaPolicy(group, PolicyName.blockValidation, 'ANY', PolicyName.writers);

  const { blockCutting } = description;
  const batchSize = new orderer.BatchSize();
  batchSize.setMaxMessageCount(blockCutting.maxMessageCount);
  batchSize.setAbsoluteMaxBytes(blockCutting.absoluteMaxBytes);
  batchSize.setPreferredMaxBytes(blockCutting.preferredMaxBytes);
  addValue(group, ConfigKey.batchSize, batchSize);
  const batchTimeout = new orderer.BatchTimeout();
  batchTimeout.setTimeout(goDuration(blockCutting.batchTimeoutMs));
  addValue(group, ConfigKey.batchTimeout, batchTimeout);
  const restrictions = new orderer.ChannelRestrictions();
  restrictions.setMaxCount(0);
  addValue(group, ConfigKey.channelRestrictions, restrictions);
  addValue(group, ConfigKey.capabilities, capabilities('V2_0'));
  const consensus = new orderer.ConsensusType();
  consensus.setType('etcdraft');
  consensus.setMetadata(raftMetadata(description, crypto).serializeBinary());
  addValue(group, ConfigKey.consensusType, consensus);

  const organization = organizationGroup(crypto, {
    [PolicyName.readers]: `OR('${crypto.mspId}.member')`,
    [PolicyName.writers]: `OR('${crypto.mspId}.member')`,
    [PolicyName.admins]: `OR('${crypto.mspId}.admin')`,
  });
  const endpoints = new common.OrdererAddresses();
  endpoints.setAddressesList(ordererNodes(description).map(endpointAddress));
  addValue(organization, ConfigKey.endpoints, endpoints);
  group.getGroupsMap().set(crypto.mspId, organization);
  return group;
}

/** The Raft consenters: each orderer node's TLS certificate serves as its client and server certificate. */
function raftMetadata(description: NetworkDescription, crypto: OrdererCrypto): orderer.etcdraft.ConfigMetadata {
  const consenters = ordererNodes(description).map((node, index) => {
    const tls = crypto.nodes[index]?.tls;
    if (tls === undefined) throw new Error(`no TLS material for orderer node ${node.hostname}: regenerate the network crypto`);
    const consenter = new orderer.etcdraft.Consenter();
    consenter.setHost(node.host);
    consenter.setPort(node.port);
    consenter.setClientTlsCert(Buffer.from(tls.certificatePem));
    consenter.setServerTlsCert(Buffer.from(tls.certificatePem));
    return consenter;
  });
  const options = new orderer.etcdraft.Options();
  options.setTickInterval(raftOptions.tickInterval);
  options.setElectionTick(raftOptions.electionTick);
  options.setHeartbeatTick(raftOptions.heartbeatTick);
  options.setMaxInflightBlocks(raftOptions.maxInflightBlocks);
  options.setSnapshotIntervalSize(raftOptions.snapshotIntervalSize);
  const metadata = new orderer.etcdraft.ConfigMetadata();
  metadata.setConsentersList(consenters);
  metadata.setOptions(options);
  return metadata;
}

function applicationGroup(description: NetworkDescription, departments: readonly DepartmentCrypto[]): common.ConfigGroup {
  const group = configGroup();
  const endorsementRule = channelEndorsementRule(description);
  addImplicitMetaPolicy(group, PolicyName.readers, 'ANY', PolicyName.readers);
  addImplicitMetaPolicy(group, PolicyName.writers, 'ANY', PolicyName.writers);
  addImplicitMetaPolicy(group, PolicyName.admins, 'MAJORITY', PolicyName.admins);
  addImplicitMetaPolicy(group, PolicyName.endorsement, endorsementRule, PolicyName.endorsement);
  addImplicitMetaPolicy(group, PolicyName.lifecycleEndorsement, 'MAJORITY', PolicyName.endorsement);
  addValue(group, ConfigKey.capabilities, capabilities('V2_5'));

  for (const department of description.departments) {
    const crypto = departments.find((d) => d.mspId === department.mspId);
    if (crypto === undefined) throw new Error(`no crypto material for ${department.mspId}: generate the network crypto for this description`);
    const id = department.mspId;
    // fabric-samples' test network policies: NodeOU roles, so a peer cannot act as a client.
    const organization = organizationGroup(crypto, {
      [PolicyName.readers]: `OR('${id}.admin', '${id}.peer', '${id}.client')`,
      [PolicyName.writers]: `OR('${id}.admin', '${id}.client')`,
      [PolicyName.admins]: `OR('${id}.admin')`,
      [PolicyName.endorsement]: `OR('${id}.peer')`,
    });
    const anchor = new peer.AnchorPeer();
    const node = peerNode(department);
    anchor.setHost(node.host);
    anchor.setPort(node.port);
    const anchorPeers = new peer.AnchorPeers();
    anchorPeers.setAnchorPeersList([anchor]);
    addValue(organization, ConfigKey.anchorPeers, anchorPeers);
    group.getGroupsMap().set(id, organization);
  }
  return group;
}

/**
 * The channel's Endorsement policy: the description's rule when it is MAJORITY/ANY/ALL. A
 * signature policy belongs to the chaincode definition instead (see `chaincodeEndorsementPolicy`),
 * and the channel keeps configtxgen's default, MAJORITY.
 */
function channelEndorsementRule(description: NetworkDescription): ImplicitMetaRule {
  const rule = description.chaincode.endorsementPolicy;
  return isImplicitMetaRule(rule) ? rule : 'MAJORITY';
}

/** An organisation's group: its MSP and signature policies (configtxgen's NewApplicationOrgGroup / NewOrdererOrgGroup). */
function organizationGroup(crypto: Pick<DepartmentCrypto, 'mspId' | 'caCertificatePem' | 'tlsCaCertificatePem'>, policies: Record<string, string>): common.ConfigGroup {
  const group = configGroup();
  for (const [name, rule] of Object.entries(policies)) {
    const policy = new common.Policy();
    policy.setType(common.Policy.PolicyType.SIGNATURE);
    policy.setValue(parsePolicyDsl(rule).serializeBinary());
    addPolicy(group, name, policy);
  }
  addValue(group, ConfigKey.msp, mspConfig(crypto));
  return group;
}

/**
 * The verifying MSP configuration `msp.GetVerifyingMspConfig` reads from an organisation's
 * `msp/` folder: root and TLS root certificates (as the PEM files' bytes), NodeOUs keyed to the
 * root CA, SHA-256 identity hashing, and no admin certificates (NodeOUs name the admins).
 */
export function mspConfig(crypto: Pick<DepartmentCrypto, 'mspId' | 'caCertificatePem' | 'tlsCaCertificatePem'>): msp.MSPConfig {
  const caCertificate = Buffer.from(crypto.caCertificatePem);
  const ouIdentifier = (ou: string) => {
    const identifier = new msp.FabricOUIdentifier();
    identifier.setCertificate(caCertificate);
    identifier.setOrganizationalUnitIdentifier(ou);
    return identifier;
  };
  const nodeOus = new msp.FabricNodeOUs();
  nodeOus.setEnable(true);
  nodeOus.setClientOuIdentifier(ouIdentifier('client'));
  nodeOus.setPeerOuIdentifier(ouIdentifier('peer'));
  nodeOus.setAdminOuIdentifier(ouIdentifier('admin'));
  nodeOus.setOrdererOuIdentifier(ouIdentifier('orderer'));
  const cryptoConfig = new msp.FabricCryptoConfig();
  cryptoConfig.setSignatureHashFamily('SHA2');
  cryptoConfig.setIdentityIdentifierHashFunction('SHA256');

  const fabricConfig = new msp.FabricMSPConfig();
  fabricConfig.setName(crypto.mspId);
  fabricConfig.setRootCertsList([caCertificate]);
  fabricConfig.setTlsRootCertsList([Buffer.from(crypto.tlsCaCertificatePem)]);
  fabricConfig.setFabricNodeOus(nodeOus);
  fabricConfig.setCryptoConfig(cryptoConfig);

  const config = new msp.MSPConfig();
  config.setType(0); // FABRIC
  config.setConfig(fabricConfig.serializeBinary());
  return config;
}

function capabilities(...names: string[]): common.Capabilities {
  const value = new common.Capabilities();
  for (const name of names) value.getCapabilitiesMap().set(name, new common.Capability());
  return value;
}

function configGroup(): common.ConfigGroup {
  const group = new common.ConfigGroup();
  group.setVersion(0);
  group.setModPolicy(admins);
  return group;
}

function addValue(group: common.ConfigGroup, key: string, value: { serializeBinary(): Uint8Array }): void {
  const configValue = new common.ConfigValue();
  configValue.setVersion(0);
  configValue.setValue(value.serializeBinary());
  configValue.setModPolicy(admins);
  group.getValuesMap().set(key, configValue);
}

function addPolicy(group: common.ConfigGroup, name: string, policy: common.Policy): void {
  const configPolicy = new common.ConfigPolicy();
  configPolicy.setVersion(0);
  configPolicy.setPolicy(policy);
  configPolicy.setModPolicy(admins);
  group.getPoliciesMap().set(name, configPolicy);
}

function addImplicitMetaPolicy(group: common.ConfigGroup, name: string, rule: ImplicitMetaRule, subPolicy: string): void {
  const implicitMeta = new common.ImplicitMetaPolicy();
  implicitMeta.setSubPolicy(subPolicy);
  implicitMeta.setRule(common.ImplicitMetaPolicy.Rule[rule]);
  const policy = new common.Policy();
  policy.setType(common.Policy.PolicyType.IMPLICIT_META);
  policy.setValue(implicitMeta.serializeBinary());
  addPolicy(group, name, policy);
}

/**
 * A duration as Go's `time.Duration.String()` prints it (configtxgen writes BatchTimeout that
 * way): `50ms`, `2s`, `1.5s`, `1m0s`, `1h0m0s`.
 */
export function goDuration(milliseconds: number): string {
  if (milliseconds === 0) return '0s';
  if (milliseconds < 1000) return `${milliseconds}ms`;
  const hours = Math.floor(milliseconds / 3_600_000);
  const minutes = Math.floor((milliseconds % 3_600_000) / 60_000);
  const secondsMs = milliseconds % 60_000;
  const seconds = `${Math.floor(secondsMs / 1000)}${secondsMs % 1000 === 0 ? '' : `.${String(secondsMs % 1000).padStart(3, '0').replace(/0+$/, '')}`}s`;
  if (hours > 0) return `${hours}h${minutes}m${seconds}`;
  if (minutes > 0) return `${minutes}m${seconds}`;
  return seconds;
}
