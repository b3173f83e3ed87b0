// Which locked packages cannot run on every Node the project declares it supports. npm only
// warns (EBADENGINE) about the Node that happens to run the install, so a dependency that needs
// a newer Node than the project promises slips in unnoticed; this walks the whole lock file.
// Plain JS: the test beside it runs from the sources, like the other scripts.
'use strict';
const semver = require('semver');

/**
 * The packages of a lock file (npm's lockfileVersion 2 or 3 `packages` map) whose `engines.node`
 * does not admit every Node version in `declared` (the project's own `engines.node`), each as
 * `{ path, name, version, requires }`. An `engines.node` that is not a valid range (a few old
 * packages write prose) is reported too: nobody can tell what it admits.
 */
function enginesOutsideDeclared(lock, declared) {
  if (!semver.validRange(declared)) throw new Error(`the project's engines.node "${declared}" is not a semver range; fix package.json`);
  const problems = [];
  for (const [path, entry] of Object.entries(lock.packages || {})) {
    const requires = entry.engines && entry.engines.node;
    if (path === '' || requires === undefined) continue;
    const range = typeof requires === 'string' ? semver.validRange(requires) : null;
    if (range === null || !semver.subset(declared, range)) {
      problems.push({ path, name: entry.name || path.replace(/^.*node_modules\//, ''), version: entry.version, requires });
    }
  }
  return problems;
}

module.exports = { enginesOutsideDeclared };
