#!/usr/bin/env node
'use strict';
// The CLI is compiled by `npm ci` (prepare → npm run build); point to the compiled entry.
const path = require('node:path');
const entry = path.join(__dirname, '..', 'build', 'src', 'cli', 'main.js');
let main;
try {
  main = require(entry).main;
} catch (err) {
  if (err && err.code === 'MODULE_NOT_FOUND' && String(err.message).includes(entry)) {
    process.stderr.write('jobcast: not built yet — run `npm ci` (or `npm run build`) in the repository first.\n');
    process.exit(2);
  }
  throw err;
}
// A closed pipe (`jobcast preview … | head`) is the reader's choice, not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err && err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}
main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
