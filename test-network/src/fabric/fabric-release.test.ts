import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkFabricRelease, FabricReleaseError } from './fabric-release';

/** A folder in the release layout whose binaries are shell scripts; `peer version` prints `version`. */
function fakeRelease(t: { after(fn: () => void): void }, options: { version?: string; leaveOut?: string } = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'citytrust-fake-fabric-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'bin'));
  mkdirSync(join(root, 'config'));
  for (const name of ['peer', 'orderer', 'configtxgen', 'osnadmin', 'configtxlator']) {
    if (`bin/${name}` === options.leaveOut) continue;
    const script = name === 'peer'
      ? `#!/bin/sh\nprintf 'peer:\\n Version: ${options.version ?? '3.1.5'}\\n Commit SHA: \\n Go version: go1.26.8\\n'\n`
      : '#!/bin/sh\nexit 0\n';
    writeFileSync(join(root, 'bin', name), script);
    chmodSync(join(root, 'bin', name), 0o755);
  }
  for (const file of ['core.yaml', 'orderer.yaml', 'configtx.yaml']) {
    if (`config/${file}` !== options.leaveOut) writeFileSync(join(root, 'config', file), '# release configuration\n');
  }
  return root;
}

async function refusal(env: Record<string, string | undefined>): Promise<string> {
  const error = await checkFabricRelease(env).then(() => undefined, (e: unknown) => e);
  assert.ok(error instanceof FabricReleaseError, `expected a FabricReleaseError, got ${String(error)}`);
  assert.equal(error.message.split('\n').length, 1, 'one line');
  return error.message;
}

test('a release in the official layout is accepted, with the version peer reports', async (t) => {
  const root = fakeRelease(t);
  const release = await checkFabricRelease({ FABRIC_BIN: root });
  assert.equal(release.version, '3.1.5');
  assert.equal(release.peer, join(root, 'bin', 'peer'));
  assert.equal(release.osnadmin, join(root, 'bin', 'osnadmin'));
  assert.equal(release.configDir, join(root, 'config'));
});

test('without FABRIC_BIN the refusal says where Fabric release binaries come from', async () => {
  const message = await refusal({});
  assert.match(message, /^FABRIC_BIN is not set: .*https:\/\/github\.com\/hyperledger\/fabric\/releases.*set FABRIC_BIN to that folder; or run the embedded ledger with --ledger embedded$/);
  assert.match(message, /Fabric v3\.1\.x release binaries are needed/);
});

test('a FABRIC_BIN that is not a folder is named', async (t) => {
  const missing = join(fakeRelease(t), 'nowhere');
  assert.match(await refusal({ FABRIC_BIN: missing }), new RegExp(`^FABRIC_BIN=${missing} is not a folder\\. Fabric v3\\.1\\.x release binaries are needed`));
});

test('a missing binary is named, with the binaries and the version needed', async (t) => {
  const root = fakeRelease(t, { leaveOut: 'bin/osnadmin' });
  assert.match(await refusal({ FABRIC_BIN: root }), new RegExp(`^FABRIC_BIN=${root} has no executable bin/osnadmin: CityTrust needs bin/peer, bin/orderer, bin/configtxgen, bin/osnadmin of Fabric v3\\.1\\.x\\.`));
});

test('a binary that is not executable counts as missing', async (t) => {
  const root = fakeRelease(t);
  chmodSync(join(root, 'bin', 'orderer'), 0o644);
  assert.match(await refusal({ FABRIC_BIN: root }), /has no executable bin\/orderer:/);
});

test('a missing config/ file is named', async (t) => {
  const root = fakeRelease(t, { leaveOut: 'config/core.yaml' });
  assert.match(await refusal({ FABRIC_BIN: root }), new RegExp(`^FABRIC_BIN=${root} has no config/core\\.yaml: the peers and orderers start from the release's config/core\\.yaml and config/orderer\\.yaml \\(Fabric v3\\.1\\.x`));
});

test('another Fabric version is refused, naming the version found and the one needed', async (t) => {
  for (const version of ['2.5.9', 'v3.0.0', '3.2.0']) {
    const root = fakeRelease(t, { version });
    assert.match(await refusal({ FABRIC_BIN: root }), new RegExp(`^FABRIC_BIN=${root}: bin/peer is Fabric ${version.replace(/^v/, '').replace(/\./g, '\\.')}, CityTrust's native back-end needs Fabric v3\\.1\\.x\\.`));
  }
});

test('a peer that prints no version is refused', async (t) => {
  const root = fakeRelease(t, { version: 'unknown' });
  assert.match(await refusal({ FABRIC_BIN: root }), /: bin\/peer version printed no version \("peer:"\); Fabric v3\.1\.x is needed\./);
});
