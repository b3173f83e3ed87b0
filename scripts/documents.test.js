'use strict';
// Every document in the repository stands on its own: a clone has nothing beside it, so a link or
// a path that leaves the repository (`../shared/docs/...`), or names a file that is not there, is
// a dead end for its reader.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { existsSync, readdirSync, readFileSync } = require('node:fs');
const { dirname, join, relative, resolve, sep } = require('node:path');

const root = resolve(__dirname, '..');
const skipped = new Set(['node_modules', 'dist', 'build', '.git', '.citytrust']);

function documents(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (skipped.has(entry.name)) return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return documents(path);
    return entry.name.endsWith('.md') ? [path] : [];
  });
}

/** Where `document` points at a file: markdown link targets, and code spans that are relative paths. */
function references(text) {
  const links = [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]).filter((target) => !/^[a-z]+:|^#/i.test(target));
  const paths = [...text.matchAll(/`(\.\.?\/[^`\s]*)`/g)].map((m) => m[1]);
  const absolute = [...text.matchAll(/(?:^|[\s(`])(\/(?:work|home|root|tmp|Users)\/[^\s)`]*)/g)].map((m) => m[1]);
  return { relativeTargets: [...links, ...paths].map((target) => target.split('#')[0]).filter(Boolean), absolute };
}

test('no document in the repository points outside it or at a file that is not there', () => {
  const problems = [];
  const found = documents(root);
  assert.ok(found.some((path) => relative(root, path) === join('docs', 'domain.md')), 'docs/domain.md, the domain and its glossary, is missing');
  for (const document of found) {
    const { relativeTargets, absolute } = references(readFileSync(document, 'utf8'));
    const name = relative(root, document);
    for (const path of absolute) problems.push(`${name}: ${path} is a path on one machine`);
    for (const target of relativeTargets) {
      const path = resolve(dirname(document), target);
      if (path !== root && !path.startsWith(root + sep)) problems.push(`${name}: ${target} leaves the repository`);
      else if (!existsSync(path)) problems.push(`${name}: ${target} does not exist`);
    }
  }
  assert.deepEqual(problems, [], 'write what the reader needs into the repository (docs/ for the whole project)');
});

test('the README lists what a machine needs before npm start', () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const engines = require(join(root, 'package.json')).engines.node;
  for (const needed of [engines.replace('||', '\\|\\|'), 'make', 'python3', 'g++', 'openssl', 'venv']) {
    assert.ok(readme.includes(needed), `README.md's prerequisites do not mention ${needed}`);
  }
});
