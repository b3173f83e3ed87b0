import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { writeTestNetworkDescription } from '@citytrust/network-config/dist/testing/test-network-description';
import { ownerPidVariable } from '@citytrust/shared';
import { downEmbeddedNetwork } from './embedded-network';
import { isAlive, portAccepts, sleep } from './managed-process';

/**
 * Who the ledger and the chaincode server belong to. A network started by a long-running process
 * (`citytrust start`, a test, a benchmark) goes with that process, however it ends; the network
 * `citytrust up` starts outlives the command and waits for `citytrust down`.
 */

const starter = join(__dirname, 'testing', 'network-starter.js');
const homes: string[] = [];

after(async () => {
  for (const home of homes) {
    await downEmbeddedNetwork(home);
    rmSync(home, { recursive: true, force: true });
  }
});

interface Started {
  readonly starter: ReturnType<typeof spawn>;
  /** Settles with the starter's exit code (null when a signal ended it). */
  readonly exited: Promise<number | null>;
  readonly pids: { readonly chaincode: number; readonly ledger: number };
  readonly home: string;
  readonly ports: readonly number[];
}

/** Runs the starter process on a fresh home and free ports; resolves once the network is up. */
async function startNetwork(lifetime: 'owned' | 'outlives-caller'): Promise<Started> {
  const home = mkdtempSync(join(tmpdir(), 'citytrust-lifetime-'));
  homes.push(home);
  const { path, description } = await writeTestNetworkDescription(home);
  const env: NodeJS.ProcessEnv = { ...process.env, CITYTRUST_NETWORK: path };
  delete env[ownerPidVariable];
  const child = spawn(process.execPath, [starter, home, lifetime], { stdio: ['ignore', 'pipe', 'pipe'], env });
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
  child.stderr!.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  for (const deadline = Date.now() + 60_000; !stdout.includes('\n'); await sleep(50)) {
    if (child.exitCode !== null || Date.now() > deadline) assert.fail(`the starter did not bring the network up: ${stderr}`);
  }
  return { starter: child, exited, pids: JSON.parse(stdout) as Started['pids'], home, ports: [description.chaincode.serverPort, description.embedded.port] };
}

async function allGoneWithin(pids: readonly number[], ms: number): Promise<boolean> {
  for (const deadline = Date.now() + ms; Date.now() < deadline; await sleep(50)) {
    if (pids.every((pid) => !isAlive(pid))) return true;
  }
  return false;
}

function logEvents(home: string, name: string): Array<Record<string, unknown>> {
  return readFileSync(join(home, 'logs', `${name}.log`), 'utf8').split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('the network and the process that started it', () => {
  it('the ledger and the chaincode server of a process killed with SIGKILL stop within a few seconds, the ledger closed cleanly, their ports free', async () => {
    const { starter: owner, exited, pids, home, ports } = await startNetwork('owned');
    owner.kill('SIGKILL');
    await exited;
    assert.equal(await allGoneWithin([pids.chaincode, pids.ledger], 5_000), true, `still running 5 s after their owner was killed: ${JSON.stringify(pids)}`);

    const ledger = logEvents(home, 'ledger');
    assert.deepEqual(ledger.filter((e) => e.event === 'stopping').map((e) => e.ownerGone), [owner.pid]);
    assert.ok(ledger.some((e) => e.event === 'stopped'), 'the ledger closed its stores and said so');
    assert.ok(logEvents(home, 'chaincode').some((e) => e.message === 'chaincode server stopping' && e.ownerGone === owner.pid));
    for (const port of ports) assert.equal(await portAccepts(port), false, `port ${port} is still taken`);
  });

  it('a network brought up to outlive its caller, as `citytrust up` does, runs on after the caller exits, until down', async () => {
    const { exited, pids, home } = await startNetwork('outlives-caller');
    assert.equal(await exited, 0);
    await sleep(2_500); // more than two of a follower's checks
    assert.equal(isAlive(pids.chaincode) && isAlive(pids.ledger), true, 'the network stopped with the command that brought it up');

    const stopped = await downEmbeddedNetwork(home);
    assert.deepEqual(stopped.map((s) => [s.name, s.outcome]), [['ledger', 'stopped'], ['chaincode', 'stopped']]);
  });
});
