import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { ProofReport } from '@citytrust/network-config';
import { UsageError, type Command } from '../command';
import { readOrdererCa } from '../orderer-ca';
import { openRunningLedger } from '../running-ledger';

/**
 * `citytrust proof`: proof bundles of sealed transactions. `get` builds one from the running
 * ledger; `verify` checks one offline, trusting neither the gateway nor any peer: the
 * transaction in its block, the block's data hash, the ordering service's signatures, the
 * validation code, and the department's seal against its key as it was at the time.
 */
export const proofCommand: Command = {
  name: 'proof',
  summary: 'Proofs of sealed transactions: proof get <transactionId> | proof verify <file> (offline)',
  usage: [
    'usage: citytrust proof verify <file> [--orderer-ca <PEM file>] [--json]',
    '       citytrust proof get <transactionId> [--out <file>] [--department <MSP id>]',
    '',
    'verify checks a proof bundle (citytrust-proof/1) offline and prints each check. Without',
    '--orderer-ca the ordering service\'s roots are taken from the bundle\'s own config block, which',
    'shows the bundle is consistent but not who signed it; give the channel\'s orderer CA',
    'certificate(s) to pin them. --json prints the report as one JSON object.',
    'get builds the bundle of a transaction from the ledger started from CITYTRUST_HOME, asking as',
    '--department\'s client (default: the first department), and writes it to --out or stdout.',
    'Exit status: 0 valid (get: written), 1 not valid or failed, 2 usage error.',
  ].join('\n'),
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      options: { 'orderer-ca': { type: 'string' }, json: { type: 'boolean', default: false }, out: { type: 'string' }, department: { type: 'string' } },
      allowPositionals: true,
      strict: true,
    });
    const [action, target, ...extra] = positionals;
    if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`);
    switch (action) {
      case 'verify':
        if (!target) throw new UsageError('verify needs the bundle\'s file');
        if (values.out !== undefined || values.department !== undefined) throw new UsageError('--out and --department are options of `proof get`');
        return verify(target, values['orderer-ca'], values.json);
      case 'get':
        if (!target || !/^[0-9a-f]{64}$/.test(target)) throw new UsageError('get needs a transaction id: 64 lower-case hex characters');
        if (values['orderer-ca'] !== undefined || values.json) throw new UsageError('--orderer-ca and --json are options of `proof verify`');
        return get(target, values.out, values.department);
      default:
        throw new UsageError(`unknown action '${action ?? ''}'; one of verify, get`);
    }
  },
};

async function verify(file: string, ordererCaFile: string | undefined, json: boolean): Promise<number> {
  const { parseProofBundle, verifyProofBundle } = await import('@citytrust/network-config');
  const text = readFileSync(file, 'utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file} is not JSON (${(error as Error).message}): a proof bundle is the JSON that \`citytrust proof get\` or the gateway writes`);
  }
  const bundle = parseProofBundle(parsed);
  const trustedOrdererRoots = ordererCaFile === undefined ? undefined : [readOrdererCa(ordererCaFile)];
  const report = await verifyProofBundle(bundle, trustedOrdererRoots ? { trustedOrdererRoots } : {});
  if (json) console.log(JSON.stringify(report));
  else printReport(report);
  return report.valid ? 0 : 1;
}

function printReport(report: ProofReport): void {
  console.log(`proof of transaction ${report.transactionId} in block ${report.blockNumber} on channel ${report.channel}`);
  const width = Math.max(...report.checks.map((check) => check.id.length));
  for (const check of report.checks) console.log(`  ${check.passed ? 'ok  ' : 'FAIL'}  ${check.id.padEnd(width)}  ${check.reason}`);
  const failed = report.checks.filter((check) => !check.passed).length;
  const roots = report.trustRoots === 'pinned' ? 'orderer roots pinned with --orderer-ca' : 'orderer roots taken from the bundle\'s config block; pin them with --orderer-ca';
  console.log(failed === 0 ? `valid: every check passed (${roots})` : `NOT valid: ${failed} of ${report.checks.length} checks failed`);
}

async function get(transactionId: string, out: string | undefined, department: string | undefined): Promise<number> {
  const { buildProofBundle } = await import('@citytrust/network-config');
  const { description, client } = await openRunningLedger();
  try {
    const bundle = await buildProofBundle(client, description, transactionId, department ? { department } : {});
    const text = `${JSON.stringify(bundle, null, 2)}\n`;
    if (out === undefined) process.stdout.write(text);
    else {
      writeFileSync(out, text);
      console.log(`wrote the proof of transaction ${transactionId} (block ${bundle.block.number}) to ${out}; check it with \`citytrust proof verify ${out}\``);
    }
    return 0;
  } finally {
    client.close();
  }
}
