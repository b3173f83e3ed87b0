/**
 * The victim of the kill -9 test: opens the ledger in `process.argv[2]`, then commits blocks
 * forever, printing `committed <n>` once each commit has resolved. Whatever it printed must
 * survive a SIGKILL at any moment.
 */
import { openLedgerStore } from '../ledger-store';
import { TestChain, put } from './blocks';

export const TRANSACTIONS_PER_BLOCK = 100;

async function main(directory: string): Promise<void> {
  const store = await openLedgerStore(directory, { log: (line) => process.stderr.write(`${line}\n`) });
  const chain = new TestChain();
  chain.height = store.height;
  chain.lastHash = store.lastBlockHash;
  for (;;) {
    const n = chain.height;
    const transactions = Array.from({ length: TRANSACTIONS_PER_BLOCK }, (_, i) => ({
      txId: `tx-${n}-${i}`,
      writes: [put(`k-${n}-${i}`, `value of transaction ${i} in block ${n} `.repeat(3)), put(`counter-${i % 10}`, String(n))],
    }));
    await store.commitBlock(chain.next(transactions));
    process.stdout.write(`committed ${n}\n`);
  }
}

if (require.main === module) {
  const directory = process.argv[2];
  if (directory === undefined) throw new Error('usage: commit-loop <ledger directory>');
  main(directory).catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}
