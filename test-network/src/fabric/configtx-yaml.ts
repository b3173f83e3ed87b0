import { join } from 'node:path';
import {
  goDuration, isImplicitMetaRule, localMspFiles, organizationDir,
  type NetworkCrypto, type NetworkDescription,
} from '@citytrust/network-config';
import type { FabricTopology } from './fabric-topology';

/** The profile configtxgen is asked for. */
export const channelProfile = 'CityTrustChannel';

/**
 * The `configtx.yaml` configtxgen reads to write the channel's genesis block: the same channel
 * configuration as `channelConfig` in network-config builds for the embedded ledger (Channel V3_0,
 * Orderer V2_0, Application V2_5 capabilities; etcdraft with one consenter per orderer node;
 * the description's block cutting and endorsement rule; the test network's NodeOU policies;
 * anchor peers; per-organisation orderer endpoints, since V3_0 forbids global ones).
 *
 * Written as JSON, which is YAML too, so no YAML library is needed and every string is quoted.
 * Every path is absolute: configtxgen resolves relative ones against this file's folder.
 */
export function configtxYaml(description: NetworkDescription, crypto: NetworkCrypto, topology: FabricTopology, cryptoDir: string): string {
  const signature = (rule: string) => ({ Type: 'Signature', Rule: rule });
  const implicitMeta = (rule: string) => ({ Type: 'ImplicitMeta', Rule: rule });
  const ordererMsp = crypto.orderer.mspId;
  const ordererOrganization = {
    Name: ordererMsp,
    ID: ordererMsp,
    MSPDir: crypto.orderer.mspDir,
    Policies: {
      Readers: signature(`OR('${ordererMsp}.member')`),
      Writers: signature(`OR('${ordererMsp}.member')`),
      Admins: signature(`OR('${ordererMsp}.admin')`),
    },
    OrdererEndpoints: topology.orderers.map((o) => o.address),
  };
  const departments = description.departments.map((department, index) => {
    const id = department.mspId;
    const peer = topology.peers[index]!;
    return {
      Name: id,
      ID: id,
      MSPDir: crypto.departments[index]!.mspDir,
      Policies: {
        Readers: signature(`OR('${id}.admin', '${id}.peer', '${id}.client')`),
        Writers: signature(`OR('${id}.admin', '${id}.client')`),
        Admins: signature(`OR('${id}.admin')`),
        Endorsement: signature(`OR('${id}.peer')`),
      },
      AnchorPeers: [{ Host: peer.address.split(':')[0], Port: peer.port }],
    };
  });
  const ordererOrgDir = organizationDir(cryptoDir, 'ordererOrganizations', description.orderer.domain);
  const consenters = topology.orderers.map((o) => {
    const tlsCertificate = localMspFiles(join(ordererOrgDir, 'orderers', o.name), o.name, 'orderer').tlsCertificate;
    return { Host: o.address.split(':')[0], Port: o.port, ClientTLSCert: tlsCertificate, ServerTLSCert: tlsCertificate };
  });
  const { blockCutting } = description;
  const endorsementRule = description.chaincode.endorsementPolicy;
  const profile = {
    Policies: {
      Readers: implicitMeta('ANY Readers'),
      Writers: implicitMeta('ANY Writers'),
      Admins: implicitMeta('MAJORITY Admins'),
    },
    Capabilities: { V3_0: true },
    Orderer: {
      OrdererType: 'etcdraft',
      BatchTimeout: goDuration(blockCutting.batchTimeoutMs),
      BatchSize: {
        MaxMessageCount: blockCutting.maxMessageCount,
        AbsoluteMaxBytes: blockCutting.absoluteMaxBytes,
        PreferredMaxBytes: blockCutting.preferredMaxBytes,
      },
      EtcdRaft: {
        Consenters: consenters,
        Options: { TickInterval: '500ms', ElectionTick: 10, HeartbeatTick: 1, MaxInflightBlocks: 5, SnapshotIntervalSize: 16 * 1024 * 1024 },
      },
      Organizations: [ordererOrganization],
      Policies: {
        Readers: implicitMeta('ANY Readers'),
        Writers: implicitMeta('ANY Writers'),
        Admins: implicitMeta('MAJORITY Admins'),
        BlockValidation: implicitMeta('ANY Writers'),
      },
      Capabilities: { V2_0: true },
    },
    Application: {
      Organizations: departments,
      Policies: {
        Readers: implicitMeta('ANY Readers'),
        Writers: implicitMeta('ANY Writers'),
        Admins: implicitMeta('MAJORITY Admins'),
        // A signature policy belongs to the chaincode definition; the channel keeps MAJORITY.
        Endorsement: implicitMeta(`${isImplicitMetaRule(endorsementRule) ? endorsementRule : 'MAJORITY'} Endorsement`),
        LifecycleEndorsement: implicitMeta('MAJORITY Endorsement'),
      },
      Capabilities: { V2_5: true },
    },
  };
  return `# Written by CityTrust from the network description (${description.name}); regenerated, never edited.\n` +
    `${JSON.stringify({ Profiles: { [channelProfile]: profile } }, null, 2)}\n`;
}
