import { Socket } from 'node:net';
import { common, msp, orderer, peer } from '@hyperledger/fabric-protos';
import type { DecodedBlock } from './decoded-block';

/**
 * What the channel's configuration says about the network, read from its last config block:
 * the departments with their anchor peers, the ordering service's organisations, consenters and
 * consensus type, and the channel's capabilities. On Fabric 3 there is no system channel: each
 * orderer joins the channel through the channel participation API, and the consenter set in
 * this block is what the channel itself trusts, so it is the list the explorer shows.
 */
export interface ChannelLayout {
  readonly consensusType: string;
  readonly capabilities: readonly string[];
  readonly departments: ReadonlyArray<{ readonly mspId: string; readonly anchorPeers: readonly string[] }>;
  readonly ordererOrganizations: ReadonlyArray<{ readonly mspId: string; readonly endpoints: readonly string[] }>;
  readonly consenters: readonly string[];
}

export function channelLayoutOf(configBlock: Uint8Array): ChannelLayout {
  const block = common.Block.deserializeBinary(configBlock);
  const envelope = common.Envelope.deserializeBinary(block.getData()?.getDataList_asU8()[0] ?? new Uint8Array(0));
  const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
  const channel = common.ConfigEnvelope.deserializeBinary(payload.getData_asU8()).getConfig()?.getChannelGroup();
  if (!channel) throw new Error('the config block holds no channel configuration');
  const groups = (group: common.ConfigGroup | undefined) => [...(group?.getGroupsMap().getEntryList() ?? [])].map(([name]) => [name as string, group!.getGroupsMap().get(name)!] as const);
  const value = (group: common.ConfigGroup | undefined, key: string) => group?.getValuesMap().get(key)?.getValue_asU8();
  const mspIdOf = (group: common.ConfigGroup, name: string) => {
    const bytes = value(group, 'MSP');
    if (!bytes) return name;
    return msp.FabricMSPConfig.deserializeBinary(msp.MSPConfig.deserializeBinary(bytes).getConfig_asU8()).getName() || name;
  };
  const ordererGroup = channel.getGroupsMap().get('Orderer');
  const applicationGroup = channel.getGroupsMap().get('Application');
  const consensusBytes = value(ordererGroup, 'ConsensusType');
  const consensus = consensusBytes ? orderer.ConsensusType.deserializeBinary(consensusBytes) : undefined;
  const capabilitiesBytes = value(channel, 'Capabilities');
  return {
    consensusType: consensus?.getType() ?? 'unknown',
    capabilities: capabilitiesBytes ? [...common.Capabilities.deserializeBinary(capabilitiesBytes).getCapabilitiesMap().getEntryList()].map(([name]) => String(name)) : [],
    departments: groups(applicationGroup).map(([name, group]) => {
      const anchors = value(group, 'AnchorPeers');
      return {
        mspId: mspIdOf(group, name),
        anchorPeers: anchors ? peer.AnchorPeers.deserializeBinary(anchors).getAnchorPeersList().map((a) => `${a.getHost()}:${a.getPort()}`) : [],
      };
    }),
    ordererOrganizations: groups(ordererGroup).map(([name, group]) => {
      const endpoints = value(group, 'Endpoints');
      return { mspId: mspIdOf(group, name), endpoints: endpoints ? common.OrdererAddresses.deserializeBinary(endpoints).getAddressesList() : [] };
    }),
    consenters: consensus?.getType() === 'etcdraft'
      ? orderer.etcdraft.ConfigMetadata.deserializeBinary(consensus.getMetadata_asU8()).getConsentersList().map((c) => `${c.getHost()}:${c.getPort()}`)
      : [],
  };
}

/** Whether something accepts TCP connections at `address` (`host:port`) within `timeoutMs`. */
export function probeEndpoint(address: string, timeoutMs: number): Promise<{ reachable: boolean; detail: string }> {
  const separator = address.lastIndexOf(':');
  const host = address.slice(0, separator);
  const port = Number(address.slice(separator + 1));
  return new Promise((resolve) => {
    const socket = new Socket();
    const started = Date.now();
    const done = (reachable: boolean, detail: string) => {
      socket.destroy();
      resolve({ reachable, detail });
    };
    socket.setTimeout(timeoutMs, () => done(false, `no answer within ${timeoutMs} ms`));
    socket.once('connect', () => done(true, `accepted a connection in ${Date.now() - started} ms`));
    socket.once('error', (error) => done(false, error.message));
    socket.connect(port, host);
  });
}

/**
 * Transactions per minute over the window ending at `now`, oldest minute first, from blocks
 * newest first (the caller stops reading once a block is older than the window).
 */
export function transactionsPerMinute(blocks: readonly DecodedBlock[], now: Date, minutes: number): Array<{ minute: string; transactions: number }> {
  const end = Math.floor(now.getTime() / 60_000) + 1;
  const start = end - minutes;
  const counts = new Array<number>(minutes).fill(0);
  for (const block of blocks) {
    for (const transaction of block.transactions) {
      const minute = Math.floor(Date.parse(transaction.time) / 60_000);
      if (minute >= start && minute < end) counts[minute - start]! += 1;
    }
  }
  return counts.map((transactions, i) => ({ minute: new Date((start + i) * 60_000).toISOString(), transactions }));
}
