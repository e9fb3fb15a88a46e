'use strict';
// The README documents the public API and the options; tree-sitter queries over the Swift sources
// must find exactly those (no undocumented public member, no documented one missing).
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { declaredApi, tableEntries, parseApiEntry, signature } = require('../lib/api');

const root = path.resolve(__dirname, '..', '..');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');

test('every documented option is a public var of BloopOptions, and every public var is documented', async () => {
  const declared = (await declaredApi(path.join(root, 'Sources', 'BloopClient'))).get('BloopOptions') || [];
  const vars = declared.filter((d) => d.kind === 'property' && !d.isStatic).map((d) => d.name).sort();
  const documented = tableEntries(readme, 'Options').sort();
  assert.ok(documented.length >= 15, `options table found: ${documented}`);
  for (const name of ['endpoint', 'secret', 'projectKey', 'environment', 'release', 'source', 'flushInterval',
    'maxQueueSize', 'shutdownTimeout', 'requestTimeout', 'autoCapture', 'beforeSend']) {
    assert.ok(documented.includes(name), `the SDK contract's option ${name} is documented`);
  }
  assert.deepEqual(vars, documented);
});

test('the documented BloopClient API is declared public with the same labels, async and result', async () => {
  const declared = (await declaredApi(path.join(root, 'Sources', 'BloopClient'))).get('BloopClient') || [];
  const documented = tableEntries(readme, 'API').map((e) => parseApiEntry(e, 'BloopClient'));
  for (const want of ['capture(_:)', 'captureError(_:context:)', 'captureException(_:context:)',
    'captureMessage(_:type:context:)', 'flush(timeout:)', 'close(timeout:)', 'static start(_:)', 'init(options:)']) {
    assert.ok(documented.some((d) => signature(d) === want), `the README documents ${want}`);
  }
  for (const doc of documented) {
    const matches = declared.filter((d) => d.kind === doc.kind && signature(d) === signature(doc));
    assert.ok(matches.length > 0, `${signature(doc)} is declared public in BloopClient`);
    if (doc.kind === 'func') {
      assert.ok(matches.every((d) => d.isAsync === doc.isAsync), `${signature(doc)} async as documented`);
      if (doc.returns) assert.ok(matches.every((d) => d.returns === doc.returns), `${signature(doc)} returns ${doc.returns}`);
    }
  }
  for (const decl of declared) {
    assert.ok(documented.some((d) => d.kind === decl.kind && signature(d) === signature(decl)),
      `public ${signature(decl)} is documented in the README's API table`);
  }
});

test('flush and close are async and return whether everything was delivered', async () => {
  const declared = (await declaredApi(path.join(root, 'Sources', 'BloopClient'))).get('BloopClient') || [];
  for (const name of ['flush', 'close']) {
    const fn = declared.find((d) => d.kind === 'func' && d.name === name);
    assert.ok(fn, name);
    assert.equal(fn.isAsync, true, `${name} is async`);
    assert.equal(fn.returns, 'Bool', `${name} returns Bool`);
  }
});
