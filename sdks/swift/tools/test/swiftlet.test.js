'use strict';
// The interpreter that runs the SDK's wire code must itself read Swift as Swift does: operator
// precedence, fixed-width integers that trap on overflow, no implicit conversions, value-type
// arrays, and a loud error for anything outside its subset.
const test = require('node:test');
const assert = require('node:assert/strict');
const { loadSource, swift, SwiftTrap, Unsupported } = require('../lib/swiftlet');

async function run(body, returns = 'Int') {
  const program = await loadSource(`enum T {\n    static func f() -> ${returns} {\n${body}\n    }\n}\n`);
  return swift.toJS(program.call('T.f', []));
}

test('operator precedence follows Swift, not the grammar\'s tree', async () => {
  assert.equal(await run('        return 2 + 3 * 4'), 14);
  assert.equal(await run('        return 1 << 2 | 1'), 5, '<< binds tighter than |');
  assert.equal(await run('        return 6 & 3 + 1'), 3, '& is multiplicative in Swift: (6 & 3) + 1');
  assert.equal(await run('        return 10 - 4 - 3'), 3, 'left associative');
  assert.equal(await run('        let a: [Int] = [5, 6]\n        return -a[0] + 1'), -4, 'prefix binds to the operand, not the sum');
  assert.equal(await run('        let k: [UInt32] = [0, 1]\n        return Int(~k[1])', 'Int'), 0xfffffffe, '~ applies after the subscript');
  assert.equal(await run('        let a: [Int] = [1, 2]\n        let b: [Int] = [3]\n        return a.count + b.count'), 3);
  assert.equal(await run('        let a: [Int] = []\n        if !a.isEmpty && a[0] > 0 {\n            return 1\n        }\n        return 2'), 2,
    '&& short-circuits and ! applies to a.isEmpty');
  assert.equal(await run('        var x: Int = 1\n        x += 2 * 3\n        return x'), 7);
});

test('fixed-width integers: overflow traps, &+ wraps, conversions trap, truncatingIfNeeded wraps', async () => {
  await assert.rejects(run('        let x: UInt8 = 255\n        return Int(x + 1)'), SwiftTrap);
  assert.equal(await run('        let x: UInt8 = 255\n        return Int(x &+ 1)'), 0);
  assert.equal(await run('        let x: UInt32 = 0xffffffff\n        return Int(x &* 2)'), 0xfffffffe);
  await assert.rejects(run('        let x: Int = -1\n        return Int(UInt32(x))'), SwiftTrap);
  assert.equal(await run('        let x: Int = 300\n        return Int(UInt8(truncatingIfNeeded: x))'), 44);
  await assert.rejects(run('        let x: Int = 5\n        return x / (x - 5)'), SwiftTrap);
  await assert.rejects(run('        let a: [Int] = [1]\n        return a[1]'), SwiftTrap, 'index out of range traps');
  assert.equal(await run('        let x: UInt32 = 1\n        return Int(x << 32)'), 0, 'an over-shift gives 0, no trap');
  assert.equal(await run('        let x: Int = -8\n        return x >> 1'), -4, '>> on a signed value is arithmetic');
  assert.equal(await run('        let x: UInt32 = 0x80000000\n        return Int(x << 1)'), 0, '<< drops the bits shifted out');
});

test('what Swift refuses to compile is refused too', async () => {
  await assert.rejects(run('        let a: UInt32 = 1\n        let b: Int = 2\n        return Int(a + b)'), Unsupported, 'no implicit conversion');
  await assert.rejects(run('        let a: Int = 1\n        a = 2\n        return a'), Unsupported, 'a let is constant');
  await assert.rejects(run('        let a: UInt8 = 256\n        return Int(a)'), /integer literal overflows/);
  await assert.rejects(run('        let n: Int = 1\n        let s: String = "\\(n)"\n        return n'), /interpolation is not supported/);
  await assert.rejects(loadSource('enum T {\n    static func f() -> Int {\n        let c = { 1 }\n        return 1\n    }\n}\n'),
    /inline.swift:3: .*explicit type/);
  await assert.rejects(loadSource('enum T {\n    static func f() -> Int {\n        return 1 +\n    }\n}\n'), /syntax error/);
});

test('arrays are values, inout writes back, strings go through UTF-8', async () => {
  assert.equal(await run('        var a: [Int] = [1]\n        var b: [Int] = a\n        b.append(2)\n        return a.count * 10 + b.count'), 12);
  const program = await loadSource(`enum T {
    static func add(_ out: inout [UInt8], _ byte: UInt8) {
        out.append(byte)
    }
    static func f() -> [UInt8] {
        var bytes: [UInt8] = Array("é".utf8)
        add(&bytes, 0x21)
        return bytes
    }
    static func g() -> String {
        let bytes: [UInt8] = [0x61, 0xc3, 0xa9, 0x62]
        return String(decoding: bytes[1..<3], as: UTF8.self)
    }
}
`);
  assert.deepEqual([...swift.toJS(program.call('T.f', []))], [0xc3, 0xa9, 0x21]);
  assert.equal(swift.toJS(program.call('T.g', [])), 'é');
  assert.throws(() => program.call('T.add', [[null, swift.bytes(Buffer.from('x'))], [null, swift.int(1, 'UInt8')]]), /inout/);
});

test('argument labels must match, as in Swift', async () => {
  const program = await loadSource('enum T {\n    static func f(from start: Int, _ n: Int) -> Int {\n        return start + n\n    }\n}\n');
  assert.equal(swift.toJS(program.call('T.f', [['from', swift.int(2)], [null, swift.int(3)]])), 5);
  assert.throws(() => program.call('T.f', [['start', swift.int(2)], [null, swift.int(3)]]), /labelled from/);
});
