import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { chaincodePackage, chaincodePackageId } from './chaincode-package';
import { loadNetworkDescription, parseNetworkDescription } from './network-description';

/** The regular files of a ustar archive, by name, in order. */
function untar(archive: Buffer): Array<{ name: string; content: Buffer; mode: string; mtime: string; type: string }> {
  const entries = [];
  for (let offset = 0; offset + 512 <= archive.length;) {
    const header = archive.subarray(offset, offset + 512);
    if (header.every((byte) => byte === 0)) break;
    const field = (start: number, length: number) => header.subarray(start, start + length).toString('ascii').replace(/\0.*$/s, '');
    const size = parseInt(field(124, 12), 8);
    entries.push({ name: field(0, 100), mode: field(100, 8), mtime: field(136, 12), type: field(156, 1), content: archive.subarray(offset + 512, offset + 512 + size) });
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return entries;
}

const description = loadNetworkDescription(undefined, {});

test('the package is what peer lifecycle chaincode install takes: metadata.json and code.tar.gz, regular files only', () => {
  const entries = untar(gunzipSync(chaincodePackage(description).bytes));
  assert.deepEqual(entries.map((e) => [e.name, e.type, e.mode, e.mtime]), [
    ['metadata.json', '0', '0000644', '00000000000'],
    ['code.tar.gz', '0', '0000644', '00000000000'],
  ]);
  assert.deepEqual(JSON.parse(entries[0]!.content.toString()), { label: 'citytrust_1.0', type: 'ccaas' });
  const code = untar(gunzipSync(entries[1]!.content));
  assert.deepEqual(code.map((e) => e.name), ['connection.json']);
  assert.deepEqual(JSON.parse(code[0]!.content.toString()), { address: '{{.address}}', dial_timeout: '10s', root_cert: '{{.root_cert}}', tls_required: true });
});

test('the package id is <label>:<sha256 of the package bytes>, as Fabric calculates it', () => {
  const pkg = chaincodePackage(description);
  assert.equal(pkg.id, `citytrust_1.0:${createHash('sha256').update(pkg.bytes).digest('hex')}`);
  assert.equal(chaincodePackageId(description), pkg.id);
});

test('packaging is deterministic: the same bytes every time, whatever the ports; a new version is a new id', () => {
  const first = chaincodePackage(description);
  assert.deepEqual(chaincodePackage(description).bytes, first.bytes);
  const elsewhere = parseNetworkDescription({ ...description, chaincode: { ...description.chaincode, serverPort: 12345 } }, 'test');
  assert.equal(chaincodePackageId(elsewhere), first.id, 'each peer fills in its own server address');
  const next = parseNetworkDescription({ ...description, chaincode: { ...description.chaincode, version: '1.1' } }, 'test');
  assert.match(chaincodePackageId(next), /^citytrust_1\.1:[0-9a-f]{64}$/);
  assert.notEqual(chaincodePackageId(next).split(':')[1], first.id.split(':')[1]);
});

test('the id of the shipped description is pinned: a change to the packaging must be deliberate', () => {
  // Also what Fabric v3.1.5's `peer lifecycle chaincode calculatepackageid` printed for these bytes.
  assert.equal(chaincodePackageId(description), 'citytrust_1.0:547dfbdbce6445388b46e8380aca2e8fecb8e54661e2381e0d546f16400c604b');
});
