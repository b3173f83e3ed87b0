#!/usr/bin/env node
// The API fuzz test (gateway/src/fuzz/api-fuzz.test.ts) drives schemathesis, a Python tool from
// PyPI. This installs the version pinned in gateway/src/fuzz/requirements.txt into a venv under
// node_modules/.cache (ignored by git, and rebuilt after an `npm ci` wipes node_modules), when it
// is missing or pinned differently. With --print-path it prints where the schemathesis command is.
// `npm test` runs it first; the fuzz test runs it again (instant once installed) to find the command.
// Plain JS: it runs before anything is compiled.
'use strict';
const { existsSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const { spawnSync } = require('node:child_process');
const { join } = require('node:path');

const root = join(__dirname, '..');
const requirements = join(root, 'gateway', 'src', 'fuzz', 'requirements.txt');
const venv = join(root, 'node_modules', '.cache', 'citytrust-fuzzer');
const installed = join(venv, 'requirements.txt');
const command = join(venv, 'bin', 'schemathesis');

function run(program, args) {
  // stdout carries only the path; what python and pip say goes to stderr.
  const result = spawnSync(program, args, { stdio: ['ignore', 2, 2] });
  if (result.error || result.status !== 0) {
    const why = result.error ? result.error.message : `exit ${result.status}`;
    console.error(`[setup] ${program} ${args.join(' ')} failed (${why}). The API fuzz test needs python3 with venv ` +
      '(Debian: apt-get install python3-venv) and access to PyPI; fix that and run it again.');
    process.exit(1);
  }
}

const wanted = readFileSync(requirements, 'utf8');
if (!existsSync(command) || !existsSync(installed) || readFileSync(installed, 'utf8') !== wanted) {
  console.error('[setup] installing the API fuzzer (schemathesis, from PyPI) into node_modules/.cache/citytrust-fuzzer...');
  rmSync(venv, { recursive: true, force: true });
  run('python3', ['-m', 'venv', venv]);
  run(join(venv, 'bin', 'python'), ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '-r', requirements]);
  writeFileSync(installed, wanted);
}
if (process.argv.includes('--print-path')) console.log(command);
