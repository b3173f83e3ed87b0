#!/usr/bin/env node
// The `citytrust` command. A committed launcher, so npm links it on a fresh `npm ci`, before the
// TypeScript has been compiled; it says how to build when dist/ is missing.
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const main = join(__dirname, '..', 'dist', 'main.js');
if (!existsSync(main)) {
  console.error('citytrust: not built yet; run `npm run build` (or `npm start`) at the repository root first.');
  process.exit(1);
}
require(main);
