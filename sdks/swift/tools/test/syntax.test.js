'use strict';
// Syntax gate: every .swift file of the package parses with tree-sitter-swift, and the gate is
// shown to fail on broken Swift (so a green run means something). Syntax only: no type checking.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { swiftParser, syntaxErrors, swiftFiles } = require('../lib/parser');

const root = path.resolve(__dirname, '..', '..');
const checker = path.join(__dirname, '..', 'check-syntax.js');

test('every .swift file of the package parses without an error', async () => {
  const files = swiftFiles(root);
  const relative = files.map((f) => path.relative(root, f));
  for (const expected of ['Package.swift', 'Sources/BloopClient/BloopClient.swift', 'Sources/BloopClient/Wire/SHA256.swift',
    'Tests/BloopClientTests/DeliveryTests.swift', 'examples/BloopExample/main.swift']) {
    assert.ok(relative.includes(expected), `${expected} is checked`);
  }
  const { parser } = await swiftParser();
  for (const file of files) {
    const errors = syntaxErrors(parser.parse(fs.readFileSync(file, 'utf8')));
    assert.deepEqual(errors, [], path.relative(root, file));
  }
  const run = spawnSync(process.execPath, [checker], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stdout + run.stderr);
  assert.match(run.stdout, new RegExp(`${files.length} of ${files.length} files parse cleanly`));
});

test('the gate fails on broken Swift and says where', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bloop-swift-syntax-'));
  const broken = {
    'MissingBrace.swift': 'struct Queue {\n    var items: [Int] = []\n    func count() -> Int {\n        return items.count\n    }\n',
    'BadExpression.swift': 'func send() {\n    let body = [1, 2,\n    print(body)\n}\n',
    'StrayToken.swift': 'final class Client {\n    func flush( -> Bool { true }\n}\n',
  };
  try {
    for (const [name, source] of Object.entries(broken)) {
      const file = path.join(dir, name);
      fs.writeFileSync(file, source);
      const run = spawnSync(process.execPath, [checker, file], { encoding: 'utf8' });
      assert.equal(run.status, 1, `${name} must fail the gate: ${run.stdout}`);
      assert.match(run.stdout, new RegExp(`${name}:\\d+:\\d+: syntax error`), run.stdout);
    }
    const fine = path.join(dir, 'Fine.swift');
    fs.writeFileSync(fine, 'struct Queue {\n    var items: [Int] = []\n}\n');
    assert.equal(spawnSync(process.execPath, [checker, fine], { encoding: 'utf8' }).status, 0);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
