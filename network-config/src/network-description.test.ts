import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultDepartments } from '@citytrust/shared';
import {
  loadNetworkDescription, NetworkDescriptionError, parseNetworkDescription, type NetworkDescription,
} from './network-description';
import { ordererNodes } from './network-nodes';

/** A valid description to break one field at a time. */
function description(): NetworkDescription {
  return loadNetworkDescription(undefined, {});
}

function problemsOf(json: unknown): string[] {
  try {
    parseNetworkDescription(json, 'test.json');
  } catch (error) {
    assert.ok(error instanceof NetworkDescriptionError, String(error));
    return [...error.problems];
  }
  assert.fail('expected the description to be rejected');
}

test('the packaged network.json describes the shared default departments on their documented ports', () => {
  const network = description();
  assert.deepEqual(
    network.departments.map(({ mspId, name, nameZh }) => ({ mspId, name, nameZh })),
    defaultDepartments.map(({ mspId, name, nameZh }) => ({ mspId, name, nameZh })),
  );
  assert.deepEqual(network.departments.map((d) => d.peerPort), [7151, 7251, 7351]);
  assert.equal(network.channel, 'citytrust');
  assert.equal(network.chaincode.endorsementPolicy, 'MAJORITY');
  assert.equal(network.chaincode.serverPort, 9999);
  assert.equal(network.embedded.port, 7051);
  assert.deepEqual(ordererNodes(network).map((node) => node.port), [7050, 7150, 7250]);
  assert.deepEqual(network.blockCutting, { maxMessageCount: 500, batchTimeoutMs: 10, preferredMaxBytes: 2 * 1024 * 1024, absoluteMaxBytes: 10 * 1024 * 1024 });
});

test('CITYTRUST_NETWORK points the loader at another file; an explicit path wins over it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'network-description-'));
  try {
    const other = { ...description(), channel: 'elsewhere' };
    const file = join(dir, 'other.json');
    writeFileSync(file, JSON.stringify(other));
    assert.equal(loadNetworkDescription(undefined, { CITYTRUST_NETWORK: file }).channel, 'elsewhere');
    assert.equal(loadNetworkDescription(file, { CITYTRUST_NETWORK: join(dir, 'missing.json') }).channel, 'elsewhere');
    assert.throws(() => loadNetworkDescription(undefined, { CITYTRUST_NETWORK: join(dir, 'missing.json') }), /missing\.json: cannot read the network description \(named by CITYTRUST_NETWORK\)/);
    writeFileSync(join(dir, 'broken.json'), '{ "name": ');
    assert.throws(() => loadNetworkDescription(join(dir, 'broken.json')), /broken\.json: is not valid JSON/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('schema errors name the file and the JSON pointer of the wrong field', () => {
  const network = description();
  const json = structuredClone(network) as unknown as { departments: Array<Record<string, unknown>> };
  (json.departments[1] as Record<string, unknown>).mspId = 'market-regulation';
  assert.throws(() => parseNetworkDescription(json, 'network.json'), {
    name: 'NetworkDescriptionError',
    message: 'network.json: /departments/1/mspId must match ^[A-Za-z][A-Za-z0-9]*MSP$',
  });
});

test('reports missing, mistyped, out-of-range and unknown fields', () => {
  const network = description() as unknown as Record<string, any>;
  const broken = structuredClone(network);
  delete broken.channel;
  broken.departments[0].peerPort = 80;
  broken.chaincode.name = 'city trust';
  broken.embedded.prot = 7051;
  broken.blockCutting.maxMessageCount = 1.5;
  const problems = problemsOf(broken);
  assert.ok(problems.includes('/channel is required'), problems.join('\n'));
  assert.ok(problems.includes('/departments/0/peerPort must be at least 1024'), problems.join('\n'));
  assert.ok(problems.some((p) => p.startsWith('/chaincode/name must match')), problems.join('\n'));
  assert.ok(problems.some((p) => p.startsWith('/embedded/prot is not a known field')), problems.join('\n'));
  assert.ok(problems.includes('/blockCutting/maxMessageCount must be an integer'), problems.join('\n'));
});

test('fills documented defaults for fields left out', () => {
  const minimal = structuredClone(description()) as unknown as Record<string, any>;
  delete minimal.blockCutting;
  delete minimal.embedded;
  delete minimal.orderer.nodes;
  delete minimal.chaincode.endorsementPolicy;
  const network = parseNetworkDescription(minimal, 'minimal.json');
  assert.deepEqual(network.blockCutting, description().blockCutting);
  assert.equal(network.embedded.port, 7051);
  assert.equal(network.orderer.nodes, 3);
  assert.equal(network.chaincode.endorsementPolicy, 'MAJORITY');
});

test('MSP ids, domains and ports must be unique across the whole network', () => {
  const network = structuredClone(description());
  const [first, second] = network.departments as [NetworkDescription['departments'][0], NetworkDescription['departments'][0]];
  second.mspId = first.mspId;
  second.domain = network.orderer.domain;
  second.peerPort = network.embedded.port;
  network.chaincode.serverPort = 7150; // orderer1's port
  const problems = problemsOf(network);
  assert.deepEqual(problems.slice(0, 2), [
    '/departments/1/mspId repeats the MSP id "BigDataAdministrationMSP" of /departments/0/mspId; each must be unique',
    '/orderer/domain repeats the domain "citytrust.local" of /departments/1/domain; each must be unique',
  ]);
  assert.ok(problems.includes('/departments/1/peerPort repeats the port 7051 of /embedded/port; each must be unique'), problems.join('\n'));
  assert.ok(problems.some((p) => p.startsWith('/orderer/port (+100 for orderer1.citytrust.local) repeats the port 7150 of /chaincode/serverPort')), problems.join('\n'));
});

test('an endorsement policy is MAJORITY, ANY, ALL or a signature policy over the departments', () => {
  const network = structuredClone(description());
  for (const policy of ['ANY', 'ALL', "OutOf(2, 'BigDataAdministrationMSP.peer', 'MarketRegulationMSP.peer', 'CreditOfficeMSP.peer')"]) {
    network.chaincode.endorsementPolicy = policy;
    assert.equal(parseNetworkDescription(network, 'test.json').chaincode.endorsementPolicy, policy);
  }
  network.chaincode.endorsementPolicy = "AND('BigDataAdministrationMSP.peer', 'TaxBureauMSP.peer')";
  assert.deepEqual(problemsOf(network), [
    '/chaincode/endorsementPolicy names TaxBureauMSP, which is not one of /departments (BigDataAdministrationMSP, MarketRegulationMSP, CreditOfficeMSP)',
  ]);
  network.chaincode.endorsementPolicy = 'majority';
  assert.match(problemsOf(network)[0] as string, /^\/chaincode\/endorsementPolicy must be MAJORITY, ANY, ALL or a Fabric signature policy/);
});

test('the preferred block size may not exceed the absolute one', () => {
  const network = structuredClone(description());
  network.blockCutting.preferredMaxBytes = network.blockCutting.absoluteMaxBytes + 1;
  assert.deepEqual(problemsOf(network), ['/blockCutting/preferredMaxBytes (10485761) must not exceed /blockCutting/absoluteMaxBytes (10485760)']);
});

test('adding a department is adding one entry to departments', () => {
  const network = structuredClone(description());
  network.departments.push({ mspId: 'TaxBureauMSP', name: 'Tax Bureau', nameZh: '税务局', domain: 'tax.citytrust.local', peerPort: 7451 });
  assert.equal(parseNetworkDescription(network, 'test.json').departments.length, 4);
});
