#!/usr/bin/env node
// Runs the TypeScript CLI through tsx so the bin works from a plain `npm ci` without a build step.
require('tsx/cjs');
const { main } = require('../checks/cli/main.ts');
main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
