import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { placeOf, summariseCpuProfile } from './cpu-profile-summary';

test('self time is summed per function and per place, with idle time set apart', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'cpu-profile-summary-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const frame = (functionName: string, url: string, lineNumber: number) => ({ functionName, url, lineNumber, columnNumber: 0, scriptId: '0' });
  const profile = {
    nodes: [
      { id: 1, callFrame: frame('(root)', '', -1) },
      { id: 2, callFrame: frame('(idle)', '', -1) },
      { id: 3, callFrame: frame('verifyOneShot', 'node:internal/crypto/sig', 233) },
      { id: 4, callFrame: frame('validateBlock', 'file:///work/main/test-network/dist/embedded/committer/block-validator.js', 9) },
      { id: 5, callFrame: frame('_nextv', 'file:///work/main/node_modules/classic-level/iterator.js', 78) },
    ],
    startTime: 0,
    endTime: 100_000,
    samples: [2, 3, 3, 4, 5, 2],
    timeDeltas: [10_000, 30_000, 20_000, 15_000, 5_000, 20_000],
  };
  const path = join(dir, '4242.cpuprofile');
  writeFileSync(path, JSON.stringify(profile));

  const summary = summariseCpuProfile(path, 2);
  assert.equal(summary.totalMs, 100);
  assert.equal(summary.idleMs, 30);
  assert.deepEqual(summary.functions, [
    { name: 'verifyOneShot (node:internal/crypto/sig:234)', selfMs: 50 },
    { name: 'validateBlock (test-network/dist/embedded/committer/block-validator.js:10)', selfMs: 15 },
  ]);
  assert.deepEqual(summary.places, [
    { name: 'node:internal/crypto/sig', selfMs: 50 },
    { name: 'test-network/dist/embedded/committer/block-validator.js', selfMs: 15 },
  ]);
});

test('a place is a package, one of our files, a Node module or a V8 bucket', () => {
  assert.equal(placeOf('file:///work/main/node_modules/@grpc/grpc-js/build/src/call.js', 'f'), 'node_modules/@grpc/grpc-js');
  assert.equal(placeOf('file:///work/main/node_modules/classic-level/iterator.js', 'f'), 'node_modules/classic-level');
  assert.equal(placeOf('node:internal/http2/core', 'f'), 'node:internal/http2/core');
  assert.equal(placeOf('', '(garbage collector)'), '(garbage collector)');
  assert.equal(placeOf('', 'Sign'), '(native)');
});
