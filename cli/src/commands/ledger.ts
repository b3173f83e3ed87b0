import { parseArgs } from 'node:util';
import { UsageError, type Command } from '../command';
import { openRunningLedger } from '../running-ledger';

/** `citytrust ledger info`: the channel, its height and its last block's hash. */
export const ledgerCommand: Command = {
  name: 'ledger',
  summary: 'Ask the running ledger about its channel: `ledger info` (height, last block hash)',
  usage: 'usage: citytrust ledger info [--json]\n\nAsks the ledger through @hyperledger/fabric-gateway (qscc GetChainInfo) as the first department\'s client.',
  async run(args) {
    const { values, positionals } = parseArgs({ args, options: { json: { type: 'boolean', default: false } }, allowPositionals: true, strict: true });
    if (positionals[0] !== 'info' || positionals.length !== 1) throw new UsageError('the only subcommand is `info`');
    const { ledgerInfo } = await import('@citytrust/test-network');
    const { description, client } = await openRunningLedger();
    try {
      const info = await ledgerInfo(client, description);
      const report = { channel: description.channel, address: client.address, ...info };
      if (values.json) console.log(JSON.stringify(report));
      else {
        console.log(`channel              ${report.channel} (at ${report.address})`);
        console.log(`height               ${report.height}`);
        console.log(`last block hash      ${report.currentBlockHash}`);
        console.log(`previous block hash  ${report.previousBlockHash}`);
      }
      return 0;
    } catch (error) {
      throw new Error(`the ledger at ${client.address} did not answer (${error instanceof Error ? error.message : String(error)}); is it up? \`citytrust status\` shows it`);
    } finally {
      client.close();
    }
  },
};
