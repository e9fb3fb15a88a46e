'use strict';
// Parses every .swift file of the package (or the files given) and fails on any syntax error.
// This is a syntax check only: no types, no name resolution, no compilation.
const fs = require('node:fs');
const path = require('node:path');
const { swiftParser, syntaxErrors, swiftFiles } = require('./lib/parser');

async function main() {
  const root = path.resolve(__dirname, '..');
  const files = process.argv.length > 2 ? process.argv.slice(2) : swiftFiles(root);
  const { parser } = await swiftParser();
  let bad = 0;
  for (const file of files) {
    const errors = syntaxErrors(parser.parse(fs.readFileSync(file, 'utf8')));
    for (const e of errors) console.log(`${path.relative(root, file)}:${e.line}:${e.column}: syntax error near: ${e.text}`);
    if (errors.length) bad++;
  }
  console.log(`swift syntax: ${files.length - bad} of ${files.length} files parse cleanly`);
  process.exit(bad ? 1 : 0);
}

main().catch((e) => { console.error(e); process.exit(2); });
