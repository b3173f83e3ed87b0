import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isSameProcess, processIdentity, type ProcessIdentity } from './process-identity';

/**
 * A "server" that is no Node follower (it knows nothing of CITYTRUST_OWNER_PID) and says on its
 * stdout which signal reached it; with `stubborn` it ignores SIGINT, as a hung server would.
 */
const server = (stubborn: boolean) => `
  process.on('SIGINT', () => { console.log('SIGINT'); ${stubborn ? '' : 'process.exit(0);'} });
  setTimeout(() => {}, 60_000);
`;

/** An owner that starts the server and its watchdog as `startEmbeddedPostgres` does, and prints both pids. */
const owner = (stubborn: boolean) => `
  const { spawn } = require('node:child_process');
  const { startServerWatchdog, processIdentity } = require(${JSON.stringify(join(__dirname, 'index.js'))});
  const server = spawn(process.execPath, ['-e', ${JSON.stringify(server(stubborn))}], { detached: true, stdio: ['ignore', 'inherit', 'inherit'] });
  server.unref();
  setTimeout(() => {
    const watchdog = startServerWatchdog({ server: processIdentity(server.pid), name: 'a test server', stopSignal: 'SIGINT', forceSignal: 'SIGTERM', graceMs: 1_000, logFd: 1 });
    console.log(JSON.stringify({ server: server.pid, watchdog: watchdog.pid }));
  }, 200);
  setTimeout(() => {}, 60_000);
`;

interface Started {
  readonly owner: ReturnType<typeof spawn>;
  readonly exited: Promise<unknown>;
  readonly server: ProcessIdentity;
  readonly watchdog: ProcessIdentity;
  output(): string;
}

async function startOwner(stubborn: boolean): Promise<Started> {
  const child = spawn(process.execPath, ['-e', owner(stubborn)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = once(child, 'exit');
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  while (!output.includes('{')) await new Promise((r) => setTimeout(r, 20));
  const pids = JSON.parse(output.slice(output.indexOf('{')).split('\n')[0]!) as { server: number; watchdog: number };
  return { owner: child, exited, server: processIdentity(pids.server)!, watchdog: processIdentity(pids.watchdog)!, output: () => output };
}

async function goneWithin(identity: ProcessIdentity, ms: number): Promise<boolean> {
  for (const deadline = Date.now() + ms; Date.now() < deadline; await new Promise((r) => setTimeout(r, 50))) {
    if (!isSameProcess(identity)) return true;
  }
  return false;
}

function kill(...identities: ProcessIdentity[]): void {
  for (const identity of identities) if (isSameProcess(identity)) process.kill(identity.pid, 'SIGKILL');
}

describe('a server watchdog', () => {
  it('stops the server with its stop signal when the owner is killed with SIGKILL, then exits', async () => {
    const started = await startOwner(false);
    try {
      started.owner.kill('SIGKILL');
      await started.exited;
      assert.equal(await goneWithin(started.server, 5_000), true, 'the server outlived its owner');
      assert.equal(await goneWithin(started.watchdog, 2_000), true, 'the watchdog outlived its server');
      assert.match(started.output(), new RegExp(`watchdog of a test server \\(pid ${started.server.pid}\\): its owner, pid ${started.owner.pid}, has died: stopping it`));
      assert.match(started.output(), /\): stopped with SIGINT\n/);
    } finally {
      kill(started.server, started.watchdog);
    }
  });

  it('uses the force signal on a server that does not stop within the grace period', async () => {
    const started = await startOwner(true);
    try {
      started.owner.kill('SIGKILL');
      await started.exited;
      assert.equal(await goneWithin(started.server, 6_000), true, 'a stubborn server outlived its owner');
      assert.equal(await goneWithin(started.watchdog, 2_000), true, 'the watchdog outlived its server');
      assert.match(started.output(), /^SIGINT$/m, 'it was asked to stop first');
      assert.match(started.output(), /\): stopped with SIGTERM after 1000 ms\n/);
    } finally {
      kill(started.server, started.watchdog);
    }
  });

  it('leaves by itself when the server ends while its owner lives, signalling nothing', async () => {
    const started = await startOwner(false);
    try {
      process.kill(started.server.pid, 'SIGKILL');
      assert.equal(await goneWithin(started.watchdog, 3_000), true, 'the watchdog outlived its server');
      assert.equal(isSameProcess(processIdentity(started.owner.pid!)!), true);
    } finally {
      started.owner.kill('SIGKILL');
      kill(started.server, started.watchdog);
    }
  });
});
