'use strict';
// Wire compatibility of the Swift SDK, checked by running its Swift source: the files in
// Sources/BloopClient/Wire/ (SHA-256, HMAC, hex, UTF-8 caps, JSON text, batching, retry schedule)
// executed by tools/lib/swiftlet.js against sdks/conformance/vectors.json, and cross-checked
// against Node's crypto and JSON on generated inputs. This checks the algorithm as written in
// Swift, not a compiled binary (no Swift compiler here): `swift test` does that on a Mac.
const test = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { wire } = require('../lib/wire');

const vectors = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../conformance/vectors.json'), 'utf8'));

// A deterministic generator, so a failure can be replayed.
function generator(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('HMAC-SHA256 vectors (RFC 4231 case 2, UTF-8 body and secret, empty body)', async () => {
  const w = await wire();
  assert.ok(vectors.hmac.length >= 5);
  for (const c of vectors.hmac) {
    assert.equal(Buffer.byteLength(c.body, 'utf8'), c.body_utf8_bytes, c.name);
    assert.equal(w.sign(c.secret, Buffer.from(c.body, 'utf8')), c.expected_hex, c.name);
  }
});

test('SHA-256 known answers and padding boundaries agree with Node crypto', async () => {
  const w = await wire();
  assert.equal(w.hash(Buffer.from('abc')).toString('hex'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  assert.equal(w.hash(Buffer.alloc(0)).toString('hex'), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  const random = generator(29);
  for (const length of [1, 55, 56, 57, 63, 64, 65, 119, 120, 128, 300]) {
    const message = Buffer.from(Array.from({ length }, () => Math.floor(random() * 256)));
    assert.equal(w.hash(message).toString('hex'), crypto.createHash('sha256').update(message).digest('hex'), `${length} bytes`);
  }
});

test('HMAC agrees with Node crypto for keys shorter than, equal to and longer than a block', async () => {
  const w = await wire();
  const random = generator(4231);
  for (const keyLength of [0, 1, 16, 63, 64, 65, 100, 200]) {
    const key = Array.from({ length: keyLength }, () => String.fromCharCode(0x21 + Math.floor(random() * 94))).join('');
    const body = Buffer.from(Array.from({ length: Math.floor(random() * 150) }, () => Math.floor(random() * 256)));
    assert.equal(w.sign(key, body), crypto.createHmac('sha256', Buffer.from(key, 'utf8')).update(body).digest('hex'), `key of ${keyLength}`);
  }
});

test('UTF-8 capping vectors: by bytes, never splitting a character', async () => {
  const w = await wire();
  assert.ok(vectors.caps.length >= 7);
  for (const c of vectors.caps) {
    const limit = c.field === 'message' ? w.limit('maxMessageBytes') : w.limit('maxStackBytes');
    assert.equal(limit, c.max_bytes, `${c.name}: the SDK's ${c.field} cap is the server's`);
    const capped = w.truncate(c.input, c.max_bytes);
    assert.equal(capped, c.expected, c.name);
    assert.equal(Buffer.byteLength(capped, 'utf8'), c.expected_utf8_bytes, c.name);
  }
});

test('UTF-8 capping agrees with a code-point reference on mixed 1-4 byte text', async () => {
  const w = await wire();
  const random = generator(8);
  const alphabet = ['a', 'é', '€', '日', '😀', '\n', '"'];
  for (let round = 0; round < 12; round++) {
    const text = Array.from({ length: 40 }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
    const max = Math.floor(random() * 100);
    let reference = '';
    for (const ch of text) {
      if (Buffer.byteLength(reference + ch, 'utf8') > max) break;
      reference += ch;
    }
    assert.equal(w.truncate(text, max), reference, `max ${max}: ${JSON.stringify(text)}`);
  }
});

test('the SDK limits are the vectors\' limits', async () => {
  const w = await wire();
  assert.equal(w.limit('maxMessageBytes'), vectors.limits.message_bytes);
  assert.equal(w.limit('maxStackBytes'), vectors.limits.stack_bytes);
  assert.equal(w.limit('maxMetadataBytes'), vectors.limits.metadata_bytes);
  assert.equal(w.limit('maxFingerprintChars'), vectors.limits.fingerprint_chars);
  assert.equal(w.limit('maxBodyBytes'), vectors.limits.body_bytes);
  assert.equal(w.limit('maxBatchEvents'), vectors.limits.batch_events);
});

test('metadata over its cap is replaced by a note, under it is kept byte for byte', async () => {
  const w = await wire();
  for (const c of vectors.metadata) {
    const encoded = Buffer.from(JSON.stringify(Object.fromEntries(Object.keys(c.input).sort().map((k) => [k, c.input[k]]))), 'utf8');
    const sent = w.cappedMetadata(encoded, c.max_bytes);
    if (c.expected === 'unchanged') {
      assert.deepEqual(sent, encoded, c.name);
    } else {
      assert.equal(c.expected, 'replaced', c.name);
      assert.deepEqual(JSON.parse(sent.toString('utf8')),
        { bloop_metadata_dropped: `${encoded.length} bytes is over the ${c.max_bytes}-byte cap` }, c.name);
      assert.ok(sent.length <= c.max_bytes, c.name);
    }
  }
});

test('JSON strings are written as Python/JavaScript compact JSON writes them', async () => {
  const w = await wire();
  const random = generator(77);
  const samples = ['', 'plain', 'quote " backslash \\ slash /', 'tab\tnew\nline\rcr', '\u0000\u0001\u001f\u007f',
    'Größe ungültig: 5 € — 日本語 😀', '\b\f'];
  for (let k = 0; k < 8; k++) {
    samples.push(Array.from({ length: 30 }, () => String.fromCodePoint([0x41, 0x0a, 0x22, 0x5c, 0x01, 0xe9, 0x20ac, 0x1f600][Math.floor(random() * 8)])).join(''));
  }
  for (const s of samples) assert.equal(w.jsonString(s).toString('utf8'), JSON.stringify(s), JSON.stringify(s));
});

test('events are written compact, in the server\'s field order, byte-identical to the vectors\' generator', async () => {
  const w = await wire();
  assert.deepEqual(w.fieldOrder(), ['timestamp', 'source', 'environment', 'release', 'error_type', 'message',
    'app_version', 'build_number', 'route_or_procedure', 'screen', 'stack', 'http_status', 'request_id',
    'user_id_hash', 'device_id_hash', 'fingerprint', 'metadata']);
  for (const c of vectors.batching) {
    for (const e of c.events.slice(0, 3)) assert.equal(w.encodeEvent(e).toString('utf8'), JSON.stringify(e));
  }
});

test('batching vectors: 60 small events go as [50, 10], 10 large ones as [4, 4, 2] within 32 KB', async () => {
  const w = await wire();
  assert.ok(vectors.batching.length >= 2);
  for (const c of vectors.batching) {
    const encoded = c.events.map((e) => w.encodeEvent(e));
    const plan = w.plan(encoded.map((b) => b.length), c.max_events, c.max_body_bytes);
    assert.deepEqual(plan, c.expected_batches, c.name);
    let start = 0;
    for (const size of plan) {
      const body = w.envelope(encoded.slice(start, start + size));
      assert.ok(body.length <= c.max_body_bytes, `${c.name}: a body of ${body.length} bytes`);
      assert.deepEqual(JSON.parse(body.toString('utf8')).events, c.events.slice(start, start + size));
      start += size;
    }
  }
});

test('retry schedule: backoff doubles to its cap; Retry-After seconds, capped; other forms left to the caller', async () => {
  const w = await wire();
  assert.deepEqual([1, 2, 3, 4, 5, 6, 7, 8].map((n) => w.backoff(n, 5000, 300000)),
    [5000, 10000, 20000, 40000, 80000, 160000, 300000, 300000]);
  assert.equal(w.retryAfter('7', 300000), 7000);
  assert.equal(w.retryAfter('0', 300000), 0);
  assert.equal(w.retryAfter('86400', 300000), 300000);
  assert.equal(w.retryAfter('99999999999999999999999', 300000), 300000, 'no overflow trap on absurd values');
  assert.equal(w.retryAfter('Wed, 21 Oct 2015 07:28:00 GMT', 300000), -1);
  assert.equal(w.retryAfter('', 300000), -1);
});
