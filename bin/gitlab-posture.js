#!/usr/bin/env node
// Runs the compiled CLI (dist/, from `npm run build`; `npm ci` and `npm pack` build it through `prepare`).
// From a checkout without a build, `npm run gitlab-posture -- …` runs the TypeScript sources instead.
'use strict';
const { join } = require('node:path');

let main;
try {
  ({ main } = require(join(__dirname, '..', 'dist', 'checks', 'cli', 'main.js')));
} catch (e) {
  if (e && e.code === 'MODULE_NOT_FOUND' && String(e.message).includes(join('dist', 'checks', 'cli', 'main.js'))) {
    process.stderr.write(
      'gitlab-posture: the compiled CLI (dist/) is missing. In a checkout run `npm run build`, ' +
        'or run from source with `npm run gitlab-posture -- <command>`.\n',
    );
    process.exit(2);
  }
  throw e;
}
main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
