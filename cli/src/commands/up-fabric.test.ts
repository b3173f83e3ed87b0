import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadNetworkDescription, type NetworkDescription } from '@citytrust/network-config';
import { onFreeFabricPorts } from '@citytrust/test-network/dist/fabric/fabric-free-ports';

/**
 * `citytrust up --ledger fabric` as a user runs it, against the real Fabric release FABRIC_BIN
 * names; skipped, saying so, where there is none (no test depends on Fabric being present).
 */
const fabricBin = process.env.FABRIC_BIN;
const skip = fabricBin ? false : 'needs Fabric v3.1 release binaries: set FABRIC_BIN (npm run test:fabric)';
const main = join(__dirname, '..', 'main.js');

interface Result { readonly status: number | null; readonly stdout: string; readonly stderr: string }

function run(file: string, args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs = 180_000): Promise<Result> {
  return new Promise((resolve) => {
    execFile(file, [...args], { env, encoding: 'utf8', timeout: timeoutMs }, (error, stdout, stderr) => {
      resolve({ status: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
    });
  });
}

describe('citytrust up --ledger fabric', () => {
  let home: string;
  let env: NodeJS.ProcessEnv;
  let description: NetworkDescription;
  const citytrust = (...args: string[]) => run(process.execPath, [main, ...args], env);
  /** Fabric's own peer CLI with the environment `citytrust env <department>` printed. */
  const peerAs = async (department: string, ...args: string[]): Promise<Result> => {
    const printed = await citytrust('env', department);
    assert.equal(printed.status, 0, printed.stderr);
    const exported = Object.fromEntries([...printed.stdout.matchAll(/^export (\w+)='(.*)'$/gm)].map((m) => [m[1]!, m[2]!.replace(/'\\''/g, "'")]));
    return run('peer', args, exported);
  };
  const live = () => readdirSync(join(home, 'run')).filter((f) => f.endsWith('.json')).length;

  before(async () => {
    if (skip) return;
    home = mkdtempSync(join(tmpdir(), 'citytrust-up-fabric-'));
    description = await onFreeFabricPorts(loadNetworkDescription(undefined, {}));
    writeFileSync(join(home, 'network.json'), JSON.stringify(description));
    env = { PATH: process.env.PATH, CITYTRUST_HOME: home, CITYTRUST_NETWORK: join(home, 'network.json'), FABRIC_BIN: fabricBin };
  });
  after(async () => {
    if (skip) return;
    await citytrust('down');
    rmSync(home, { recursive: true, force: true });
  });

  it('brings up 3 orderers, a peer and a chaincode server per department, step by step, and commits a transaction', { skip }, async () => {
    const up = await citytrust('up', '--ledger', 'fabric');
    assert.equal(up.status, 0, `${up.stdout}\n${up.stderr}`);
    assert.match(up.stdout, /^CityTrust ledger: fabric back-end, channel citytrust, 3 departments/);
    for (const [i, step] of ['Identities \\(MSPs\\)', 'Genesis block \\(configtxgen\\)', 'Orderers \\(Raft\\)', 'Orderers join the channel \\(osnadmin\\)', 'Peers',
      'Peers join the channel', 'Chaincode package installed', 'Chaincode servers', 'Chaincode approved by each department', 'Chaincode committed', 'First transaction'].entries()) {
      assert.match(up.stdout, new RegExp(`\\[${i + 1}/11\\] ${step} \\.\\.\\. ready`));
    }
    assert.match(up.stdout, new RegExp(`Up in [\\d.]+ s: ledger at 127\\.0\\.0\\.1:${description.departments[0]!.peerPort}, height \\d+`));
    assert.equal(live(), 9);
  });

  it('status shows every process with its endpoint and health', { skip }, async () => {
    const status = await citytrust('status');
    assert.equal(status.status, 0, status.stdout);
    assert.match(status.stdout, /The ledger network \(fabric\) is up/);
    for (const name of ['orderer0.citytrust.local', 'orderer1.citytrust.local', 'orderer2.citytrust.local', 'peer0.bigdata.citytrust.local', 'chaincode.credit.citytrust.local']) {
      assert.match(status.stdout, new RegExp(`${name.replace(/\./g, '\\.')}\\s+healthy\\s+127\\.0\\.0\\.1:\\d+  \\(pid \\d+\\)`));
    }
    assert.match(status.stdout, /channel citytrust: consenter, active, height \d+/);
    const json = JSON.parse((await citytrust('status', '--json')).stdout) as { ledger: string; network: Array<{ healthy: boolean }> };
    assert.equal(json.ledger, 'fabric');
    assert.equal(json.network.length, 9);
    assert.ok(json.network.every((p) => p.healthy));
  });

  it("Fabric's own peer CLI, with citytrust env, sees the committed chaincode and reads what the client wrote", { skip }, async () => {
    const committed = await peerAs('MarketRegulationMSP', 'lifecycle', 'chaincode', 'querycommitted', '-C', description.channel, '-n', description.chaincode.name);
    assert.equal(committed.status, 0, committed.stderr);
    assert.match(committed.stdout, /Version: 1\.0, Sequence: 1, .*Approvals: \[BigDataAdministrationMSP: true, CreditOfficeMSP: true, MarketRegulationMSP: true\]/);
    const query = await peerAs('CreditOfficeMSP', 'chaincode', 'query', '-C', description.channel, '-n', description.chaincode.name, '-c', '{"Args":["system:get","citytrust/up"]}');
    assert.equal(query.status, 0, query.stderr);
    assert.match(query.stdout, /^\d{4}-\d\d-\d\dT/, 'the time the readiness transaction wrote');
  });

  it('a second up resumes: everything is found running and kept', { skip }, async () => {
    const pids = readdirSync(join(home, 'run')).map((f) => readFileSync(join(home, 'run', f), 'utf8'));
    const again = await citytrust('up');
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, /\[3\/11\] Orderers \(Raft\) \.\.\. ready .*\(3 already running\)/);
    assert.match(again.stdout, /\[10\/11\] Chaincode committed \.\.\. ready .*sequence 1 \(already\)/);
    assert.deepEqual(readdirSync(join(home, 'run')).map((f) => readFileSync(join(home, 'run', f), 'utf8')), pids);
  });

  it('down stops every process by its pid; up after down keeps the ledger', { skip }, async () => {
    const before = JSON.parse((await citytrust('status', '--json')).stdout) as { network: Array<{ name: string; detail: string }> };
    const heightBefore = Number(/height (\d+)/.exec(before.network.find((p) => p.name.startsWith('peer0.bigdata'))!.detail)![1]);
    const down = await citytrust('down');
    assert.equal(down.status, 0);
    assert.equal(down.stdout.split('\n').filter((line) => / pid \d+: stopped$/.test(line)).length, 9, down.stdout);
    assert.equal(live(), 0);
    assert.ok(existsSync(join(home, 'fabric', 'data')));

    const up = await citytrust('up');
    assert.equal(up.status, 0, up.stderr);
    assert.match(up.stdout, /\[6\/11\] Peers join the channel \.\.\. ready  BigDataAdministrationMSP already/);
    const heightAfter = Number(/Up in .*, height (\d+)/.exec(up.stdout)![1]);
    assert.equal(heightAfter, heightBefore + 1, 'the same chain, one readiness block longer');
  });
});
