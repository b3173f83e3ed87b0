#!/usr/bin/env node
// Runs every compiled test file of every workspace with Node's own test runner and ends with
// the one summary line CI reads: "N passed, N failed".
'use strict';
const { spawnSync } = require('node:child_process');
const { readdirSync, statSync, readFileSync, mkdtempSync } = require('node:fs');
const { join } = require('node:path');
const { tmpdir } = require('node:os');

const root = join(__dirname, '..');
const workspaces = require(join(root, 'package.json')).workspaces;

function testFiles(dir) {
  let found = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found = found.concat(testFiles(path));
    else if (name.endsWith('.test.js')) found.push(path);
  }
  return found;
}

const files = workspaces.flatMap((ws) => {
  const dist = join(root, ws, 'dist');
  try { return testFiles(dist); } catch { return []; }
});
if (files.length === 0) {
  console.error('No compiled test files found: run `npm run build` first.');
  process.exit(1);
}

const tap = join(mkdtempSync(join(tmpdir(), 'citytrust-tests-')), 'results.tap');
const run = spawnSync(process.execPath, [
  '--enable-source-maps', '--test', '--test-concurrency=1',
  '--test-reporter=spec', '--test-reporter-destination=stdout',
  '--test-reporter=tap', `--test-reporter-destination=${tap}`,
  ...files,
], { stdio: 'inherit', cwd: root });

const summary = readFileSync(tap, 'utf8');
const count = (label) => Number((summary.match(new RegExp(`^# ${label} (\\d+)$`, 'm')) || [])[1] || 0);
const passed = count('pass');
const failed = count('fail') + count('cancelled');
console.log(`${passed} passed, ${failed} failed`);
process.exit(run.status === 0 && failed === 0 && passed > 0 ? 0 : 1);
