import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openLedgerClient, type LedgerClient } from '@citytrust/network-config';
import { writeTestNetworkDescription } from '@citytrust/network-config/dist/testing/test-network-description';
import { downEmbeddedNetwork, upEmbeddedNetwork } from '@citytrust/test-network';
import { startOffchainIndexer } from '@citytrust/credit-service';
import { startTestPostgres, type TestPostgres } from '@citytrust/credit-service/dist/test-support/test-postgres';
import { CREDIT, dataItem, legalBasis, MARKET, person, registerSealKeys, shareTrail } from '@citytrust/credit-service/dist/test-support/trail-records';
import { reconcileCommand } from './reconcile';

/**
 * `citytrust reconcile` against a running ledger and the Postgres of DATABASE_URL, run in this
 * process (the command reads CITYTRUST_HOME, CITYTRUST_NETWORK and DATABASE_URL as a user's shell
 * would set them), with what it prints captured.
 */
let home: string;
let client: LedgerClient;
let postgres: TestPostgres;
const saved = { home: process.env.CITYTRUST_HOME, network: process.env.CITYTRUST_NETWORK, database: process.env.DATABASE_URL };
/** The share trail on the ledger, recorded under a legal basis for a catalog item. */
let trail: { trailId: string };

before(async () => {
  home = mkdtempSync(join(tmpdir(), 'citytrust-reconcile-cli-'));
  const { path, description } = await writeTestNetworkDescription(home);
  Object.assign(process.env, { CITYTRUST_HOME: home, CITYTRUST_NETWORK: path });
  const [{ crypto }, pg] = await Promise.all([upEmbeddedNetwork({ home, description }), startTestPostgres()]);
  postgres = pg;
  process.env.DATABASE_URL = postgres.url;
  client = openLedgerClient({ description, crypto });
  const sealed = await registerSealKeys(client);
  await sealed.submit(MARKET, 'registerDataItem', dataItem());
  const basis = await sealed.submit<{ authorizationId: string }>(MARKET, 'registerLegalBasis', legalBasis());
  const recorded = await sealed.submit<{ trailId: string }>(CREDIT, 'recordAccess', shareTrail(basis.record.authorizationId, person(1)));
  trail = recorded.record;
  const { transactionId } = recorded;
  const indexer = await startOffchainIndexer({ network: client.network(MARKET), chaincode: description.chaincode.name, pool: postgres.pool });
  const deadline = Date.now() + 20_000;
  while (indexer.status().checkpoint?.transactionId !== transactionId && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await indexer.stop();
});

after(async () => {
  client?.close();
  await postgres?.close();
  for (const [variable, value] of [['CITYTRUST_HOME', saved.home], ['CITYTRUST_NETWORK', saved.network], ['DATABASE_URL', saved.database]] as const) {
    if (value === undefined) delete process.env[variable];
    else process.env[variable] = value;
  }
  await downEmbeddedNetwork(home).catch(() => undefined);
  rmSync(home, { recursive: true, force: true });
});

/** Runs the command with console.log captured: its exit code and what it printed. */
async function reconcile(...args: string[]): Promise<{ code: number; stdout: string }> {
  const lines: string[] = [];
  const log = console.log;
  console.log = (...parts: unknown[]) => lines.push(parts.join(' '));
  try {
    return { code: await reconcileCommand.run(args), stdout: lines.join('\n') };
  } finally {
    console.log = log;
  }
}

describe('citytrust reconcile', () => {
  it('exits 0 and says so when the index matches the ledger', async () => {
    const { code, stdout } = await reconcile();
    assert.equal(code, 0, stdout);
    assert.match(stdout, /^compared 3 index rows with 3 ledger records, up to the index's checkpoint \(block \d+, transaction [0-9a-f]{64}; ledger height \d+\)\nno mismatches: the off-chain index matches the ledger$/);
  });

  it('exits 1 and names the row and the columns of a trail altered by hand in Postgres', async () => {
    await postgres.pool.query('UPDATE offchain.share_trails SET outcome = $2 WHERE trail_id = $1', [trail.trailId, 'refused']);
    const { code, stdout } = await reconcile();
    assert.equal(code, 1, stdout);
    assert.match(stdout, new RegExp(`\\n1 mismatch:\\n  share_trails ${trail.trailId}: altered \\(outcome\\)$`));
    const json = await reconcile('--json');
    assert.equal(json.code, 1);
    const report = JSON.parse(json.stdout);
    assert.deepEqual([report.consistent, report.mismatches], [false, [{ table: 'share_trails', key: trail.trailId, kind: 'altered', columns: ['outcome'] }]]);
  });
});
