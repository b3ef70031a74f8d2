#!/usr/bin/env node
// `npm run build`, second step: the data files the compiled CLI reads beside its code (built-in profiles,
// built-in Sigma rules), copied to the same place under dist/ so `__dirname`-relative paths hold there too.
'use strict';
const { cpSync, rmSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
for (const dir of ['policies/profiles', 'detections/rules']) {
  const to = join(root, 'dist', dir);
  rmSync(to, { recursive: true, force: true });
  cpSync(join(root, dir), to, { recursive: true });
}
