import { parseArgs } from 'node:util';
import { citytrustHome } from '@citytrust/shared';
import type { Command } from '../command';
import { newProgress } from '../progress';

/** `citytrust up`: the ledger and the chaincode server in the background, back when usable. */
export const upCommand: Command = {
  name: 'up',
  summary: 'Start the ledger and the chaincode server in the background; returns once a transaction commits',
  usage: [
    'usage: citytrust up [--ledger embedded|fabric]',
    '',
    'Generates the departments\' identities on first use, starts the chaincode server and the ledger',
    'as background processes (logs in $CITYTRUST_HOME/logs/), and returns once a transaction has been',
    'endorsed, ordered and committed through @hyperledger/fabric-gateway. `citytrust down` stops them;',
    'the next `up` resumes the same ledger.',
    '',
    'With --ledger fabric: real Fabric v3.1 from FABRIC_BIN (its release layout, bin/ and config/): the',
    'Raft orderers, one peer and one chaincode server per department, the channel and the chaincode,',
    'each step checking what already runs, so a second `up` resumes. `citytrust env <department>` then',
    'prints the environment for Fabric\'s own `peer` CLI.',
    '',
    '--ledger  embedded (default) or fabric (the default when FABRIC_BIN is set)',
    'environment: CITYTRUST_HOME, CITYTRUST_NETWORK (another network description), FABRIC_BIN',
  ].join('\n'),
  async run(args) {
    const { values } = parseArgs({ args, options: { ledger: { type: 'string' } }, strict: true });
    const { chooseLedgerBackend, ledgerUpSteps, upLedgerNetwork } = await import('@citytrust/test-network');
    const { loadNetworkDescription } = await import('@citytrust/network-config');
    const backend = chooseLedgerBackend(values.ledger);
    const description = loadNetworkDescription();
    const home = citytrustHome();
    console.log(`CityTrust ledger: ${backend} back-end, channel ${description.channel}, ${description.departments.length} departments (state in ${home})`);
    const started = Date.now();
    const progress = newProgress(ledgerUpSteps(backend));
    // The step under way when starting fails ends its line, so the error starts on its own.
    let stepUnderWay = false;
    const onStep = (name: string) => {
      const step = progress.step(name);
      stepUnderWay = true;
      return { done: (detail?: string) => { stepUnderWay = false; step.done(detail); } };
    };
    // The network is meant to outlive this command: `citytrust down` stops it by its recorded pids.
    const up = await upLedgerNetwork(backend, { home, description, onStep, outlivesCaller: true }).catch((error: unknown) => {
      if (stepUnderWay) console.log('failed');
      throw error;
    });
    console.log(`\nUp in ${((Date.now() - started) / 1000).toFixed(1)} s: ledger at ${up.gatewayAddress}, ` +
      `height ${up.height} (readiness transaction ${up.readiness.txId} in block ${up.readiness.blockNumber}).`);
    return 0;
  },
};
