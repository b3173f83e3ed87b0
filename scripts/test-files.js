// Which test files a run executes. Tests are written as `src/**/*.test.ts` and run compiled from
// `dist/`, which tsc never cleans: a test deleted or renamed in the sources would keep running
// from its old `.js`. So the list comes from the sources, and each is mapped to its compiled file.
// Plain JS: it runs before anything is compiled.
'use strict';
const { existsSync, readdirSync } = require('node:fs');
const { join, relative } = require('node:path');

// Every workspace compiles src/ into dist/ (rootDir and outDir in its tsconfig.json).
const sourceDir = 'src';
const compiledDir = 'dist';

function filesEndingWith(dir, suffix) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return filesEndingWith(path, suffix);
    return entry.name.endsWith(suffix) ? [path] : [];
  });
}

/**
 * The tests of a repository at `root`, from its sources:
 * - `files`: the compiled `dist/**\/*.test.js` of every workspace's `src/**\/*.test.ts`, then the
 *   plain-JS `scripts/**\/*.test.js` (the tooling that runs before compilation tests itself as is);
 * - `uncompiled`: source tests with no compiled file (the build is missing or failed);
 * - `stale`: compiled tests whose source is gone, which a run must not execute.
 * Paths are absolute, sorted within each workspace.
 */
function testFiles(root, workspaces) {
  const files = [];
  const uncompiled = [];
  const stale = [];
  for (const workspace of workspaces) {
    const sources = join(root, workspace, sourceDir);
    const compiled = join(root, workspace, compiledDir);
    const expected = new Set();
    for (const source of filesEndingWith(sources, '.test.ts').sort()) {
      const target = join(compiled, relative(sources, source).replace(/\.ts$/, '.js'));
      expected.add(target);
      (existsSync(target) ? files : uncompiled).push(target);
    }
    for (const target of filesEndingWith(compiled, '.test.js').sort()) {
      if (!expected.has(target)) stale.push(target);
    }
  }
  files.push(...filesEndingWith(join(root, 'scripts'), '.test.js').sort());
  return { files, uncompiled, stale };
}

module.exports = { testFiles };
