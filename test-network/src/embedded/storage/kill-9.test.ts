import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { it } from 'node:test';
import { openLedgerStore } from './ledger-store';
import { TRANSACTIONS_PER_BLOCK } from './test-support/commit-loop';
import { withTempDir } from './test-support/temp-dir';

const ROUNDS = 3;

/** mulberry32: a tiny seeded generator, so a failing kill schedule can be replayed with KILL_SEED. */
function randomFrom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Runs the commit loop, SIGKILLs it `delayMs` after its first commit, returns what it printed. */
async function commitUntilKilled(directory: string, delayMs: number): Promise<number[]> {
  const child = spawn(process.execPath, [join(__dirname, 'test-support', 'commit-loop.js'), directory], { stdio: ['ignore', 'pipe', 'pipe'] });
  const committed: number[] = [];
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  createInterface({ input: child.stdout }).on('line', (line) => {
    const match = /^committed (\d+)$/.exec(line);
    if (match) committed.push(Number(match[1]));
    if (committed.length === 1) setTimeout(() => child.kill('SIGKILL'), delayMs);
  });
  const signal = await exited;
  assert.equal(signal, 'SIGKILL', `the commit loop stopped by itself before it was killed: ${stderr}`);
  return committed;
}

it('keeps every block whose commit resolved when the process is killed with SIGKILL at a random moment', { timeout: 60_000 }, (t) =>
  withTempDir(async (directory) => {
    const seed = Number(process.env.KILL_SEED ?? Date.now() % 2 ** 31);
    t.diagnostic(`kill schedule seed ${seed} (rerun with KILL_SEED=${seed})`);
    const random = randomFrom(seed);
    let acknowledged = -1;
    for (let round = 0; round < ROUNDS; round++) {
      const delayMs = Math.floor(20 + random() * 300);
      const printed = await commitUntilKilled(directory, delayMs);
      acknowledged = Math.max(acknowledged, ...printed);
      const recoveries: string[] = [];
      const store = await openLedgerStore(directory, { log: (line) => recoveries.push(line) });
      try {
        const context = `seed ${seed}, round ${round}, killed ${delayMs} ms after the first commit; recovery: ${recoveries.join(' | ') || 'none'}`;
        t.diagnostic(`${context}; acknowledged up to ${acknowledged}, height ${store.height}`);
        assert.ok(store.height > acknowledged, `height ${store.height} lost acknowledged block ${acknowledged} (${context})`);
        for (let n = 0; n < store.height; n++) {
          assert.equal((await store.block(n)).getHeader()?.getNumber(), n, context);
          const lastTxNum = TRANSACTIONS_PER_BLOCK - 1;
          assert.deepEqual(await store.transaction(`tx-${n}-${lastTxNum}`), { blockNum: n, txNum: lastTxNum, validationCode: 0 }, context);
          assert.deepEqual((await store.get('basic', `k-${n}-0`))?.version, { blockNum: n, txNum: 0 }, context);
        }
        const counter = await store.get('basic', 'counter-9');
        assert.equal(Buffer.from(counter?.value ?? []).toString(), String(store.height - 1), context);
      } finally {
        await store.close();
      }
    }
  }),
);
