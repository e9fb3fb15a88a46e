'use strict';
// The Swift grammar (tree-sitter-swift, as bundled by tree-sitter-wasms 0.1.13) loaded into
// web-tree-sitter 0.20.8; newer web-tree-sitter releases cannot load that wasm (ABI mismatch).
const fs = require('node:fs');
const path = require('node:path');
// Baseline wasm code only: with V8's default tier-up, the grammar's large wasm is recompiled by the
// optimizing compiler in the background and the process then waits tens of seconds at exit on a
// busy machine. Must be set before the wasm is compiled.
require('node:v8').setFlagsFromString('--liftoff-only');
const Parser = require('web-tree-sitter');

let ready = null;

/** A tree-sitter parser for Swift (cached). */
function swiftParser() {
  if (!ready) {
    ready = (async () => {
      await Parser.init();
      const language = await Parser.Language.load(require.resolve('tree-sitter-wasms/out/tree-sitter-swift.wasm'));
      const parser = new Parser();
      parser.setLanguage(language);
      return { parser, language };
    })();
  }
  return ready;
}

/** Every ERROR or MISSING node of a tree, as {line, column, text} (1-based). */
function syntaxErrors(tree) {
  const found = [];
  const visit = (node) => {
    if (node.type === 'ERROR' || node.isMissing()) {
      found.push({
        line: node.startPosition.row + 1,
        column: node.startPosition.column + 1,
        text: node.isMissing() ? `missing ${node.type}` : node.text.split('\n')[0].slice(0, 80),
      });
      return;
    }
    if (!node.hasError()) return;
    for (let i = 0; i < node.childCount; i++) visit(node.child(i));
  };
  visit(tree.rootNode);
  return found;
}

/** The .swift files of the package (sources, tests, example, manifest), sorted. */
function swiftFiles(root) {
  const out = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name === '.build' || entry.name.startsWith('.')) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.swift')) out.push(full);
    }
  };
  walk(root);
  return out.sort();
}

module.exports = { swiftParser, syntaxErrors, swiftFiles };
