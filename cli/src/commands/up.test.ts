import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadNetworkCrypto, openLedgerClient, type NetworkDescription } from '@citytrust/network-config';
import { writeTestNetworkDescription } from '@citytrust/network-config/dist/testing/test-network-description';

const main = join(__dirname, '..', 'main.js');

interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly seconds: number;
}

/** A command as a user runs it: a real process, killed if it takes longer than 30 s. */
function citytrust(env: NodeJS.ProcessEnv, ...args: string[]): Promise<CliResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(process.execPath, [main, ...args], { env, encoding: 'utf8', timeout: 30_000 }, (error, stdout, stderr) => {
      const seconds = (Date.now() - started) / 1000;
      if (error?.killed) stderr += `\n(killed after ${seconds} s: \`citytrust ${args.join(' ')}\` hung)`;
      resolve({ status: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr, seconds });
    });
  });
}

/** `text` as a regular expression that matches it literally (paths hold dots). */
function literally(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Running, and not a zombie left unreaped after a kill. */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** The background processes `up` recorded under run/ whose pid is alive. */
function liveProcesses(home: string): Array<{ name: string; pid: number }> {
  const run = join(home, 'run');
  if (!existsSync(run)) return [];
  return readdirSync(run)
    .filter((file) => file.endsWith('.json'))
    .map((file) => JSON.parse(readFileSync(join(run, file), 'utf8')) as { name: string; pid: number })
    .filter((record) => isRunning(record.pid));
}

function occupy(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer((socket) => socket.on('error', () => undefined));
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

/** Where each record `varint(length) ‖ block` of a block file starts, and its length. */
function blockRecords(bytes: Buffer): Array<{ offset: number; length: number }> {
  const records = [];
  let at = 0;
  while (at < bytes.length) {
    const offset = at;
    let length = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = bytes[at++]!;
      length += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) break;
    }
    records.push({ offset, length });
    at += length;
  }
  return records;
}

/** Inverts `count` bytes at `at`; doing it twice restores the file. */
function flipBytes(file: string, at: number, count: number): void {
  const bytes = readFileSync(file);
  for (let i = at; i < at + count; i++) bytes[i] = bytes[i]! ^ 0xff;
  writeFileSync(file, bytes);
}

describe('citytrust up, status, ledger info and down, as a user runs them', () => {
  let home: string;
  let description: NetworkDescription;
  let env: NodeJS.ProcessEnv;
  const cli = (...args: string[]) => citytrust(env, ...args);

  async function networkUp(): Promise<void> {
    if (liveProcesses(home).length === 2) return;
    await cli('down');
    const up = await cli('up');
    assert.equal(up.status, 0, up.stderr);
  }

  async function networkDown(): Promise<void> {
    const down = await cli('down');
    assert.equal(down.status, 0, down.stderr);
    assert.deepEqual(liveProcesses(home), []);
  }

  async function ledgerInfo(): Promise<{ channel: string; height: number; currentBlockHash: string; previousBlockHash: string }> {
    const info = await cli('ledger', 'info', '--json');
    assert.equal(info.status, 0, info.stderr);
    return JSON.parse(info.stdout);
  }

  before(async () => {
    home = mkdtempSync(join(tmpdir(), 'citytrust-up-'));
    const network = await writeTestNetworkDescription(home);
    description = network.description;
    env = { PATH: process.env.PATH, CITYTRUST_HOME: home, CITYTRUST_NETWORK: network.path };
  });
  after(async () => {
    await cli('down');
    rmSync(home, { recursive: true, force: true });
  });

  it('up names the back-end, shows three steps and returns once a transaction has committed', async () => {
    await cli('down');
    const up = await cli('up');
    assert.equal(up.status, 0, up.stderr);
    assert.match(up.stdout, new RegExp(`CityTrust ledger: embedded back-end, channel ${description.channel}, ${description.departments.length} departments \\(state in ${literally(home)}\\)`));
    assert.match(up.stdout, /\[1\/3\] Identities \(MSPs\) \.\.\. ready/);
    assert.match(up.stdout, new RegExp(`\\[2/3\\] Chaincode server \\.\\.\\. ready  127\\.0\\.0\\.1:${description.chaincode.serverPort}`));
    assert.match(up.stdout, new RegExp(`\\[3/3\\] Embedded ledger \\.\\.\\. ready  127\\.0\\.0\\.1:${description.embedded.port}, channel ${description.channel}, height \\d+`));
    const committed = /readiness transaction [0-9a-f]{64} in block (\d+)\)/.exec(up.stdout);
    assert.ok(committed, up.stdout);
    assert.ok((await ledgerInfo()).height > Number(committed[1]), 'the readiness transaction\'s block is on the ledger');
  });

  it('the ledger and chaincode processes inherit only their own settings, not the secrets of whoever ran up', async () => {
    await networkDown();
    const secrets = { GATEWAY_TOKEN_KEY: 'c3'.repeat(32), DATABASE_URL: 'postgres://owner:hunter2@db.example/citytrust', AWS_SECRET_ACCESS_KEY: 'not for the ledger' };
    const up = await citytrust({ ...env, ...secrets }, 'up');
    assert.equal(up.status, 0, up.stderr);
    for (const { name, pid } of liveProcesses(home)) {
      const environment = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean);
      assert.deepEqual(environment.filter((variable) => Object.keys(secrets).some((key) => variable.startsWith(`${key}=`))), [], `the ${name}'s environment`);
      assert.ok(environment.includes(`CITYTRUST_HOME=${home}`), `the ${name} got its own settings`);
    }
  });

  it('ledger info shows the channel, its height and the last block\'s hash; --json for machines', async () => {
    await networkUp();
    const info = await cli('ledger', 'info');
    assert.equal(info.status, 0, info.stderr);
    assert.match(info.stdout, new RegExp(`channel\\s+${description.channel} \\(at 127\\.0\\.0\\.1:${description.embedded.port}\\)`));
    assert.ok(Number(/height\s+(\d+)/.exec(info.stdout)?.[1]) >= 2, info.stdout);
    assert.match(info.stdout, /last block hash\s+[0-9a-f]{64}\n/);
    const json = await ledgerInfo();
    assert.equal(json.channel, description.channel);
    assert.ok(json.height >= 2);
    assert.match(json.currentBlockHash, /^[0-9a-f]{64}$/);
  });

  it('a second up refuses, naming the running pids and `citytrust down`, and leaves them running', async () => {
    await networkUp();
    const running = liveProcesses(home);
    const again = await cli('up');
    assert.equal(again.status, 1);
    for (const { name, pid } of running) assert.match(again.stderr, new RegExp(`${name} pid ${pid}`));
    assert.match(again.stderr, /already up .*`citytrust down`/);
    assert.deepEqual(liveProcesses(home), running);
  });

  it('status --json lists the chaincode server and the ledger, healthy, with their endpoints', async () => {
    await networkUp();
    const status = await cli('status', '--json');
    assert.equal(status.status, 0, status.stderr);
    const report = JSON.parse(status.stdout) as { network: Array<{ name: string; state: string; healthy: boolean; endpoint: string }> };
    assert.deepEqual(report.network.map((p) => [p.name, p.state, p.healthy, p.endpoint]), [
      ['chaincode', 'running', true, `127.0.0.1:${description.chaincode.serverPort}`],
      ['ledger', 'running', true, `127.0.0.1:${description.embedded.port}`],
    ]);
  });

  it('a chaincode server killed with kill -9 shows in status as died with its log; down still stops the ledger', async () => {
    await networkUp();
    const { pid } = JSON.parse(readFileSync(join(home, 'run', 'chaincode.json'), 'utf8')) as { pid: number };
    process.kill(pid, 'SIGKILL');
    for (const deadline = Date.now() + 5_000; isRunning(pid) && Date.now() < deadline;) await new Promise((resolve) => setTimeout(resolve, 20));

    const status = await cli('status');
    assert.equal(status.status, 1, status.stdout);
    assert.match(status.stdout, new RegExp(`chaincode\\s+DIED\\s+127\\.0\\.0\\.1:${description.chaincode.serverPort}\\s+\\(pid ${pid}\\)`));
    assert.match(status.stdout, new RegExp(`pid ${pid} is not running: it stopped unexpectedly`));
    assert.match(status.stdout, new RegExp(`last lines of ${literally(join(home, 'logs', 'chaincode.log'))}:\\n.*chaincode server listening`));
    assert.match(status.stdout, /ledger\s+healthy/);

    const down = await cli('down');
    assert.equal(down.status, 0, down.stderr);
    assert.match(down.stdout, new RegExp(`chaincode\\s+pid ${pid}: not running`));
    assert.match(down.stdout, /ledger\s+pid \d+: stopped/);
    assert.deepEqual(liveProcesses(home), []);
    assert.deepEqual(readdirSync(join(home, 'run')), [], 'down removes the records');
  });

  it('up after down resumes the same ledger: its chain goes on from the last block', async () => {
    await networkUp();
    const before = await ledgerInfo();
    await networkDown();
    const up = await cli('up');
    assert.equal(up.status, 0, up.stderr);
    assert.match(up.stdout, new RegExp(`channel ${description.channel}, height ${before.height + 1}`), 'one block more: the readiness transaction');
    const resumed = await ledgerInfo();
    assert.equal(resumed.height, before.height + 1);
    assert.equal(resumed.previousBlockHash, before.currentBlockHash, 'the new block links to the last block before down');
  });

  it('a port already in use stops up at once, naming the port, and nothing is left running', async () => {
    await networkDown();
    for (const [field, port] of [['embedded.port', description.embedded.port], ['chaincode.serverPort', description.chaincode.serverPort]] as const) {
      const blocker = await occupy(port);
      try {
        const up = await cli('up');
        assert.equal(up.status, 1, up.stdout);
        assert.match(up.stderr, new RegExp(`port ${port} on 127\\.0\\.0\\.1, wanted by .* \\(network description: ${literally(field)}\\), is already in use`));
        assert.ok(up.seconds < 10, `up took ${up.seconds} s to give up`);
        assert.deepEqual(liveProcesses(home), []);
      } finally {
        await new Promise((resolve) => blocker.close(resolve));
      }
    }
  });

  it('a block file corrupted inside block 1 stops up with the file, the block and the byte offset, when the ledger re-verifies its chain', async () => {
    const file = join(home, 'ledger', description.channel, 'chains', 'blockfile_000000');
    if (!existsSync(file)) await networkUp();
    await networkDown();
    const block1 = blockRecords(readFileSync(file))[1]!;
    const middle = block1.offset + Math.floor(block1.length / 2);
    flipBytes(file, middle, 8);
    try {
      // Deleting ledger-db is the documented way to have the next start re-verify every block.
      rmSync(join(home, 'ledger', description.channel, 'ledger-db'), { recursive: true });
      const up = await cli('up');
      assert.equal(up.status, 1, up.stdout);
      assert.match(up.stderr, new RegExp(`${literally(file)}: the record at byte offset ${block1.offset}, where block 1 was expected, holds a block that has data hash [0-9a-f]{64} but its transactions hash to`));
      assert.match(up.stdout, /\[3\/3\] Embedded ledger \.\.\. failed\n/);
      assert.match(up.stderr, /restore its directory from a copy/);
      assert.deepEqual(liveProcesses(home), []);
    } finally {
      flipBytes(file, middle, 8);
    }
  });

  it('a block file corrupted inside an older block is refused when that block is read, naming the file, the block and the offset', async () => {
    // On open only the last block is re-read (re-reading the whole chain on every start would cost
    // as much as the ledger is large); every block is checked again whenever it is read. Two ups
    // make sure block 1 is below the last block.
    for (let i = 0; i < 2; i++) {
      await networkUp();
      await networkDown();
    }
    const file = join(home, 'ledger', description.channel, 'chains', 'blockfile_000000');
    const block1 = blockRecords(readFileSync(file))[1]!;
    const middle = block1.offset + Math.floor(block1.length / 2);
    flipBytes(file, middle, 8);
    try {
      assert.equal((await cli('up')).status, 0);
      const client = openLedgerClient({ description, crypto: loadNetworkCrypto(description, join(home, 'crypto')) });
      try {
        const qscc = client.network(description.departments[0]!.mspId).getContract('qscc');
        await assert.rejects(qscc.evaluateTransaction('GetBlockByNumber', description.channel, '1'), (error: Error & { details?: Array<{ message: string }> }) => {
          // The ledger answers INTERNAL with the storage's own words: no endorser is involved.
          const said = [error.message, ...(error.details ?? []).map((d) => d.message)].join('\n');
          assert.match(said, new RegExp(`${literally(file)}: the record at byte offset ${block1.offset}, where block 1 was expected, holds a block that has data hash`));
          return true;
        });
      } finally {
        client.close();
      }
    } finally {
      await cli('down');
      flipBytes(file, middle, 8);
    }
  });

  it('a malformed network description is refused, naming the file and the field', async () => {
    const bad = join(home, 'bad-network.json');
    const departments = description.departments.map((d, i) => (i === 1 ? { ...d, mspId: 'not an MSP id' } : d));
    writeFileSync(bad, JSON.stringify({ ...description, departments }));
    const running = liveProcesses(home);
    const up = await citytrust({ ...env, CITYTRUST_NETWORK: bad }, 'up');
    assert.equal(up.status, 1, up.stdout);
    assert.match(up.stderr, new RegExp(`${literally(bad)}: /departments/1/mspId must match`));
    assert.deepEqual(liveProcesses(home), running, 'nothing was started or stopped');
  });

  it('the native Fabric back-end without FABRIC_BIN says how to get Fabric; a FABRIC_BIN that is no release is named; an unknown back-end lists the choices', async () => {
    const running = liveProcesses(home);
    const flagged = await citytrust({ ...env, FABRIC_BIN: '' }, 'up', '--ledger', 'fabric');
    assert.equal(flagged.status, 1);
    assert.match(flagged.stderr, /^citytrust up: FABRIC_BIN is not set: the native Fabric back-end runs Fabric's own binaries\. Fabric v3\.1\.x release binaries are needed: download .* from https:\/\/github\.com\/hyperledger\/fabric\/releases, .*; or run the embedded ledger with --ledger embedded\n$/);

    const fromEnvironment = await citytrust({ ...env, FABRIC_BIN: '/opt/no-fabric-here' }, 'up');
    assert.equal(fromEnvironment.status, 1);
    assert.match(fromEnvironment.stderr, /^citytrust up: FABRIC_BIN=\/opt\/no-fabric-here is not a folder\. Fabric v3\.1\.x release binaries are needed/);
    assert.deepEqual(liveProcesses(home), running, 'nothing was started or stopped');

    const unknown = await cli('up', '--ledger', 'nonsense');
    assert.ok(unknown.status === 1 || unknown.status === 2, `exit ${unknown.status}`);
    assert.match(unknown.stderr, /--ledger must be 'embedded' or 'fabric', not 'nonsense'/);
  });

  it('ledger info with nothing up says the ledger did not answer and points at status, without hanging', async () => {
    await networkDown();
    const info = await cli('ledger', 'info');
    assert.equal(info.status, 1, info.stderr);
    assert.match(info.stderr, new RegExp(`the ledger at 127\\.0\\.0\\.1:${description.embedded.port} did not answer .*\`citytrust status\``));

    const neverUp = mkdtempSync(join(tmpdir(), 'citytrust-never-up-'));
    try {
      const fresh = await citytrust({ ...env, CITYTRUST_HOME: neverUp }, 'ledger', 'info');
      assert.equal(fresh.status, 1, fresh.stderr);
      assert.match(fresh.stderr, new RegExp(`the ledger did not answer: none was ever started from ${literally(neverUp)} .*\`citytrust up\` starts one, \`citytrust status\` shows what runs`));
    } finally {
      rmSync(neverUp, { recursive: true, force: true });
    }
  });
});
