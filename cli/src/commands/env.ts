import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { citytrustHome } from '@citytrust/shared';
import { UsageError, type Command } from '../command';

/** `citytrust env <department>`: the shell environment for Fabric's own `peer` CLI as that department's admin. */
export const envCommand: Command = {
  name: 'env',
  summary: "Print the shell environment for Fabric's own peer CLI as a department's admin (native Fabric)",
  usage: [
    'usage: citytrust env <department>',
    '',
    "Prints `export` lines for Fabric's own `peer` CLI against the native network `citytrust up --ledger fabric`",
    "started from CITYTRUST_HOME, as <department>'s administrator at its own peer: FABRIC_CFG_PATH, CORE_PEER_*,",
    "and ORDERER_ADDRESS / ORDERER_CA for -o and --cafile, with FABRIC_BIN/bin first on PATH. Use it with",
    '  eval "$(npx citytrust env MarketRegulationMSP)"',
    '  peer lifecycle chaincode querycommitted -C <channel> -n <chaincode>',
    '',
    '<department>  its MSP id (e.g. MarketRegulationMSP) or its domain (market.citytrust.local)',
    'environment: CITYTRUST_HOME, CITYTRUST_NETWORK, FABRIC_BIN (required)',
  ].join('\n'),
  async run(args) {
    const { positionals } = parseArgs({ args, options: {}, allowPositionals: true, strict: true });
    if (positionals.length !== 1) throw new UsageError('name one department');
    const { loadNetworkDescription } = await import('@citytrust/network-config');
    const { adminEnvironment, checkFabricRelease, fabricTopology } = await import('@citytrust/test-network');
    const description = loadNetworkDescription();
    const wanted = positionals[0]!.toLowerCase();
    const home = citytrustHome();
    const topology = fabricTopology(description, home);
    const peer = topology.peers.find((p) => p.department.mspId.toLowerCase() === wanted || p.department.domain === wanted);
    if (!peer) {
      throw new UsageError(`${positionals[0]} is not a department of this network; one of: ${description.departments.map((d) => d.mspId).join(', ')}`);
    }
    const release = await checkFabricRelease();
    const env = adminEnvironment(release, join(home, 'crypto'), description, peer, topology.orderers[0]!);
    console.log(`# ${peer.department.mspId} (${peer.department.name}), administrator at ${peer.name} ${peer.address}; channel ${description.channel}, chaincode ${description.chaincode.name}`);
    for (const [name, value] of Object.entries({ ...env, PATH: `${join(release.root, 'bin')}:${process.env.PATH ?? ''}` })) console.log(`export ${name}=${shellQuote(value)}`);
    return 0;
  },
};

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
