'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { join } = require('node:path');
const { enginesOutsideDeclared } = require('./lockfile-engines');

const root = join(__dirname, '..');

test('every locked package runs on every Node version the project declares', () => {
  const declared = require(join(root, 'package.json')).engines.node;
  const problems = enginesOutsideDeclared(require(join(root, 'package-lock.json')), declared);
  const list = problems.map((p) => `${p.name}@${p.version} (${p.path}) needs Node ${JSON.stringify(p.requires)}`).join('; ');
  assert.deepEqual(problems, [], `the project declares Node ${declared}, but: ${list}. Pin a version that fits (overrides in package.json) or change engines.node`);
});

test('names a package that needs a newer Node than the project declares', () => {
  const lock = { packages: {
    '': { engines: { node: '>=20.9' } },
    'node_modules/cookie': { version: '2.0.2', engines: { node: '>=22' } },
    'node_modules/fastify/node_modules/cookie': { version: '1.1.1', engines: { node: '>=18' } },
  } };
  assert.deepEqual(enginesOutsideDeclared(lock, '^20.9.0 || >=22'), [
    { path: 'node_modules/cookie', name: 'cookie', version: '2.0.2', requires: '>=22' },
  ]);
});

test('counts a gap inside the declared range, such as an odd Node line a package skips', () => {
  const lock = { packages: { 'node_modules/glob': { version: '13.0.7', engines: { node: '18 || 20 || >=22' } } } };
  assert.equal(enginesOutsideDeclared(lock, '>=20.9').length, 1);
  assert.deepEqual(enginesOutsideDeclared(lock, '^20.9.0 || >=22'), []);
});

test('reports an engines.node that is not a range rather than guessing what it admits', () => {
  const lock = { packages: { 'node_modules/old': { version: '0.1.0', engines: { node: 'any modern one' } } } };
  assert.deepEqual(enginesOutsideDeclared(lock, '>=20.9').map((p) => p.name), ['old']);
});
