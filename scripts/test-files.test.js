'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } = require('node:fs');
const { dirname, join } = require('node:path');
const { tmpdir } = require('node:os');
const { testFiles } = require('./test-files');

const passing = "require('node:test').test('holds', () => {});\n";
const failing = "require('node:test').test('was deleted from the sources', () => { throw new Error('stale'); });\n";

/** Runs the repository's test runner as a user would, not as a child of this test run. */
function runTests(root) {
  mkdirSync(join(root, 'scripts'));
  for (const name of ['run-tests.js', 'test-files.js']) copyFileSync(join(__dirname, name), join(root, 'scripts', name));
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT; // set by `node --test`: a nested run would report to it instead of its own reporters
  return spawnSync(process.execPath, [join(root, 'scripts', 'run-tests.js')], { cwd: root, env, encoding: 'utf8' });
}

/** A repository with one workspace `ws`, holding `files` (path → content); removed after `body`. */
function withRepository(files, body) {
  const root = mkdtempSync(join(tmpdir(), 'citytrust-test-files-'));
  try {
    writeFileSync(join(root, 'package.json'), JSON.stringify({ workspaces: ['ws'] }));
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), content);
    }
    return body(root);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

test('runs the compiled form of each test in the sources, and none whose source is gone', () => {
  withRepository({
    'ws/src/kept.test.ts': '',
    'ws/dist/kept.test.js': passing,
    'ws/src/deep/nested.test.ts': '',
    'ws/dist/deep/nested.test.js': passing,
    'ws/dist/renamed-away.test.js': failing,
    'ws/dist/kept.js': '',
  }, (root) => {
    assert.deepEqual(testFiles(root, ['ws']), {
      files: [join(root, 'ws/dist/deep/nested.test.js'), join(root, 'ws/dist/kept.test.js')],
      uncompiled: [],
      stale: [join(root, 'ws/dist/renamed-away.test.js')],
    });
  });
});

test('names a source test that has no compiled file rather than silently skipping it', () => {
  withRepository({ 'ws/src/new.test.ts': '' }, (root) => {
    assert.deepEqual(testFiles(root, ['ws']), { files: [], uncompiled: [join(root, 'ws/dist/new.test.js')], stale: [] });
  });
});

test('runs the plain-JS tests of scripts/ from where they are', () => {
  withRepository({ 'scripts/tool.test.js': passing, 'scripts/tool.js': '' }, (root) => {
    assert.deepEqual(testFiles(root, ['ws']).files, [join(root, 'scripts/tool.test.js')]);
  });
});

test('a test run leaves out a deleted test still compiled in dist/ and says so', () => {
  withRepository({
    'ws/src/kept.test.ts': '',
    'ws/dist/kept.test.js': passing,
    'ws/dist/deleted.test.js': failing,
  }, (root) => {
    const run = runTests(root);
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /Not running 1 compiled test\(s\) whose source is gone:\n {2}ws\/dist\/deleted\.test\.js\n/);
    assert.match(run.stdout, /^1 passed, 0 failed$/m);
  });
});

test('a test run with an uncompiled source test fails and says to build', () => {
  withRepository({ 'ws/src/new.test.ts': '' }, (root) => {
    const run = runTests(root);
    assert.equal(run.status, 1);
    assert.equal(run.stderr, '1 test(s) in the sources have no compiled file: run `npm run build` first.\n  ws/dist/new.test.js\n');
  });
});
