import { parseArgs } from 'node:util';
import type { Command } from '../command';
import { withGatewayDatabase } from '../gateway-database';
import { openRunningLedger } from '../running-ledger';

/** Mismatches printed in full before the rest are counted; `--json` gives them all. */
const SHOWN = 50;

/** `citytrust reconcile`: tamper detection for the off-chain index, against the ledger. */
export const reconcileCommand: Command = {
  name: 'reconcile',
  summary: 'Re-check the off-chain index (Postgres) against the ledger and list every mismatch; exit 1 if any',
  usage: 'usage: citytrust reconcile [--json]\n\n' +
    'Re-reads the trail records from the running ledger (its chaincode events, from block 0 up to the index\'s checkpoint)\n' +
    'and compares them, every column, with the rows of the off-chain index in the gateway\'s Postgres (DATABASE_URL, or the\n' +
    'embedded one under CITYTRUST_HOME). Lists each row that is missing, extra or altered. Exit code 0 when the index matches\n' +
    'the ledger, 1 when it does not (or the comparison could not be completed).',
  async run(args) {
    const { values } = parseArgs({ args, options: { json: { type: 'boolean', default: false } }, strict: true });
    const { reconcileTrailIndexAt } = await import('@citytrust/credit-service');
    const { description, client } = await openRunningLedger();
    try {
      // As the database's owner (the embedded server's, or DATABASE_URL's role), like the indexer:
      // the comparison replays the ledger into temporary tables, which the gateway's role may not make.
      const report = await withGatewayDatabase((database, config) => reconcileTrailIndexAt(database.embedded?.url ?? config.databaseUrl!, {
        network: client.network(description.departments[0]!.mspId),
        chaincode: description.chaincode.name,
      }));
      const consistent = report.mismatches.length === 0 && report.problems.length === 0;
      if (values.json) {
        console.log(JSON.stringify({ consistent, ...report, checkpoint: { blockNumber: Number(report.checkpoint.blockNumber), transactionId: report.checkpoint.transactionId } }));
        return consistent ? 0 : 1;
      }
      const { blockNumber, transactionId } = report.checkpoint;
      console.log(`compared ${report.indexRows} index rows with ${report.ledgerRecords} ledger records, up to the index's checkpoint ` +
        `(block ${blockNumber}${transactionId ? `, transaction ${transactionId}` : ': nothing indexed yet'}; ledger height ${report.ledgerHeight})`);
      for (const problem of report.problems) console.log(`problem: ${problem}`);
      if (report.mismatches.length === 0) {
        console.log(report.problems.length === 0 ? 'no mismatches: the off-chain index matches the ledger' : 'no mismatches among the rows compared, but the comparison is incomplete');
      } else {
        console.log(`${report.mismatches.length} mismatch${report.mismatches.length === 1 ? '' : 'es'}:`);
        for (const m of report.mismatches.slice(0, SHOWN)) console.log(`  ${m.table} ${m.key}: ${m.kind}${m.columns ? ` (${m.columns.join(', ')})` : ''}`);
        if (report.mismatches.length > SHOWN) console.log(`  ... and ${report.mismatches.length - SHOWN} more (--json lists them all)`);
      }
      return consistent ? 0 : 1;
    } finally {
      client.close();
    }
  },
};
