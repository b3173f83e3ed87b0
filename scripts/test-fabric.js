#!/usr/bin/env node
// `npm run test:fabric`: the ledger conformance suite and the native-only tests against real
// Fabric from FABRIC_BIN (CITYTRUST_LEDGER=fabric). Without FABRIC_BIN it says so and fails: a
// run that tested nothing must not look like a pass. Ends with "N passed, N failed" like npm test.
'use strict';
const { spawnSync } = require('node:child_process');
const { mkdtempSync, readFileSync } = require('node:fs');
const { join } = require('node:path');
const { tmpdir } = require('node:os');
const { testFiles } = require('./test-files');

if (!process.env.FABRIC_BIN) {
  console.error('npm run test:fabric needs FABRIC_BIN: point it at Fabric v3.1 release binaries (the folder holding bin/ and config/ of ' +
    'hyperledger-fabric-linux-amd64-3.1.x.tar.gz from https://github.com/hyperledger/fabric/releases). Nothing was tested.');
  process.exit(1);
}
const root = join(__dirname, '..');
const { files, uncompiled } = testFiles(root, ['test-network', 'cli']);
if (uncompiled.length > 0) {
  console.error('some tests have no compiled file: run `npm run build` first');
  process.exit(1);
}
// The suite and what only a real network shows, plus the CLI's own bring-up on Fabric.
const selected = files.filter((file) => /[\\/]dist[\\/](conformance[\\/]|fabric[\\/]|commands[\\/]up-fabric\.test\.js$)/.test(file));
const tap = join(mkdtempSync(join(tmpdir(), 'citytrust-fabric-tests-')), 'results.tap');
const run = spawnSync(process.execPath, [
  '--enable-source-maps', '--test', '--test-concurrency=1',
  '--test-reporter=spec', '--test-reporter-destination=stdout',
  '--test-reporter=tap', `--test-reporter-destination=${tap}`,
  ...selected,
], { stdio: 'inherit', cwd: root, env: { ...process.env, CITYTRUST_LEDGER: 'fabric' } });
const summary = readFileSync(tap, 'utf8');
const count = (label) => Number((summary.match(new RegExp(`^# ${label} (\\d+)$`, 'm')) || [])[1] || 0);
const passed = count('pass');
const failed = count('fail') + count('cancelled');
if (count('skipped') > 0) console.log(`${count('skipped')} skipped (each says why above)`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(run.status === 0 && failed === 0 && passed > 0 ? 0 : 1);
