#!/usr/bin/env node
// `npm start` on a fresh clone: install the dependencies (and build the SM2 addon) when they
// are missing or older than the lock file, showing what it does. Plain JS: it runs before
// anything is compiled.
'use strict';
const { existsSync, statSync } = require('node:fs');
const { spawnSync } = require('node:child_process');
const { join } = require('node:path');

const root = join(__dirname, '..');
const installed = join(root, 'node_modules', '.package-lock.json');
const lock = join(root, 'package-lock.json');
const addon = join(root, 'shared', 'build', 'Release', 'citytrust_crypto.node');

// node-gyp downloads Node's headers unless told where they are, and a machine may reach only
// package registries: point it at the headers that ship with the running Node, when they do.
// node-gyp reads `npm_package_config_node_gyp_<option>` from its environment, which npm passes
// through untouched; `npm_config_nodedir` would work too, but npm 11 warns "Unknown env config"
// for it on every run.
const nodePrefix = join(process.execPath, '..', '..');
const env = { ...process.env };
if (!env.npm_package_config_node_gyp_nodedir && existsSync(join(nodePrefix, 'include', 'node', 'node_api.h'))) {
  env.npm_package_config_node_gyp_nodedir = nodePrefix;
}

const stale = !existsSync(installed) || statSync(installed).mtimeMs < statSync(lock).mtimeMs;
if (stale || !existsSync(addon)) {
  const command = existsSync(join(root, 'node_modules')) ? 'install' : 'ci';
  console.log(`[setup] npm ${command}: installing dependencies and building the SM2 addon (first run only)...`);
  const result = spawnSync('npm', [command, '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit', env });
  if (result.status !== 0) {
    console.error(`[setup] npm ${command} failed (exit ${result.status}); fix the error above and run npm start again.`);
    process.exit(result.status || 1);
  }
}
