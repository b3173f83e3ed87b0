import { parseArgs } from 'node:util';
import { citytrustHome } from '@citytrust/shared';
import type { Command } from '../command';

/** `citytrust down`: stops what `up` started, gracefully and then forcefully. */
export const downCommand: Command = {
  name: 'down',
  summary: 'Stop the ledger and the chaincode server that `up` started (state is kept)',
  usage: 'usage: citytrust down\n\nSends SIGTERM to each recorded process (ledger first; on native Fabric chaincode servers, then peers, then orderers),\nthen SIGKILL after 10 s (15 s for Fabric\'s nodes). The ledger\'s state is kept: `citytrust up` resumes it.',
  async run(args) {
    parseArgs({ args, options: {}, strict: true });
    const { downLedgerNetwork } = await import('@citytrust/test-network');
    const { loadNetworkDescription } = await import('@citytrust/network-config');
    const stopped = await downLedgerNetwork(citytrustHome(), loadNetworkDescription());
    if (stopped.length === 0) console.log('Nothing to stop: the network is not up.');
    for (const p of stopped) console.log(`${p.name.padEnd(p.name.length > 10 ? 36 : 10)} pid ${p.pid}: ${p.outcome}`);
    return 0;
  },
};
