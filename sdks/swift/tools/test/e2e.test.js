'use strict';
// End to end against a real bloop started from the built jar. The requests are made by the SDK's
// own wire code (Sources/BloopClient/Wire/*.swift, run by swiftlet): event JSON, the batch
// envelope and the HMAC signature. The events are what BloopClient sends for a Swift app: stacks as
// Apple platforms print them (`Thread.callStackSymbols`, after the SDK's own frames are dropped),
// error types as `String(reflecting:)` names them, the signal-crash event as it is rebuilt at the
// next launch. What this cannot show (no Swift compiler here): URLSession, the queue and the crash
// handlers themselves; the XCTest suite covers those on a Mac.
const test = require('node:test');
const assert = require('node:assert/strict');
const { wire } = require('../lib/wire');
const { startBloop, sleep } = require('../lib/bloop-server');

const SECRET = 'swift-sdk-e2e-secret-0123456789';
let bloop = null;
let w = null;

test.before(async () => {
  const started = Date.now();
  w = await wire();
  bloop = await startBloop({ secret: SECRET });
  console.log(`bloop up at ${bloop.base} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
});

test.after(async () => {
  if (bloop) await bloop.stop();
});

/** POSTs events the way EventPipeline does: encode each, envelope, sign the exact bytes. */
async function send(events, { secret = SECRET } = {}) {
  const encoded = events.map((e) => w.encodeEvent(e));
  const plan = w.plan(encoded.map((b) => b.length), w.limit('maxBatchEvents'), w.limit('maxBodyBytes'));
  const answers = [];
  let start = 0;
  for (const size of plan) {
    const body = w.envelope(encoded.slice(start, start + size));
    start += size;
    const res = await fetch(`${bloop.base}/v1/ingest/batch`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Signature': w.sign(secret, body) },
      body,
    });
    answers.push({ status: res.status, body: await res.json().catch(() => null) });
  }
  return answers;
}

async function groups(predicate, timeoutMs = 15000) {
  const deadline = Date.now() + timeoutMs;
  let last = [];
  while (Date.now() < deadline) {
    const res = await fetch(`${bloop.base}/v1/errors?limit=100`, { headers: { Authorization: `Bearer ${bloop.token}` } });
    assert.equal(res.status, 200);
    last = await res.json();
    if (predicate(last)) return last;
    await sleep(250);
  }
  assert.fail(`groups never matched: ${JSON.stringify(last, null, 1).slice(0, 2000)}`);
}

async function detail(fingerprint) {
  const res = await fetch(`${bloop.base}/v1/errors/${fingerprint}`, { headers: { Authorization: `Bearer ${bloop.token}` } });
  assert.equal(res.status, 200);
  return res.json();
}

const now = Date.now();
const app = (extra) => ({
  timestamp: now, source: 'ios', environment: 'production', release: '2.3.1', ...extra,
});

// `showProfile(id:from:)` captures a ProfileError; it is reached from the profile list and from a
// deep link (two call paths), in two launches (two ASLR slides: different addresses).
const fromList = [
  '2   BloopExample                        0x0000000100003a10 $s12BloopExample11showProfile2id4from__ySi_SSAA0D6LoaderVAA0A6ClientCtF + 212',
  '3   BloopExample                        0x0000000100003c40 $s12BloopExample19openProfileFromListyyAA0D6LoaderV_AA0A6ClientCtF + 64',
  '4   BloopExample                        0x0000000100004120 main + 1320',
  '5   dyld                                0x000000018b2e60e0 start + 2360',
].join('\n');
const fromDeepLink = [
  '2   BloopExample                        0x0000000104b13a10 $s12BloopExample11showProfile2id4from__ySi_SSAA0D6LoaderVAA0A6ClientCtF + 212',
  '3   BloopExample                        0x0000000104b13e80 $s12BloopExample23openProfileFromDeepLinkyyAA0D6LoaderV_AA0A6ClientCtF + 64',
  '4   UIKitCore                           0x00000001a2c31f44 -[UIApplication _handleDeepLink:] + 520',
  '5   BloopExample                        0x0000000104b14120 main + 1320',
].join('\n');
// The same error type and message captured somewhere else.
const fromCheckout = [
  '2   BloopExample                        0x0000000100005b20 $s12BloopExample12CheckoutViewV6submityyF + 88',
  '3   SwiftUI                             0x00000001c1e2d0a0 $s7SwiftUI6ButtonV6actionyyF + 44',
  '4   BloopExample                        0x0000000100004120 main + 1320',
].join('\n');
// A Swift runtime trap, as rebuilt from the signal record (handler and _sigtramp frames dropped).
const trapped = [
  '2   BloopExample                        0x0000000100003f00 $s12BloopExample5crashyyF + 36',
  '3   BloopExample                        0x0000000100004120 main + 1100',
  '4   dyld                                0x000000018b2e60e0 start + 2360',
].join('\n');

test('Swift errors arrive as issues: one capture site from two call paths is one issue, another site another', async () => {
  const answers = await send([
    app({ error_type: 'BloopExample.ProfileError', message: 'notFound(id: 42)', screen: 'ProfileList', stack: fromList }),
    app({ error_type: 'BloopExample.ProfileError', message: 'notFound(id: 7)', screen: 'DeepLink', stack: fromDeepLink }),
    app({ error_type: 'BloopExample.ProfileError', message: 'notFound(id: 42)', screen: 'Checkout', stack: fromCheckout }),
    app({
      error_type: 'SIGTRAP',
      message: 'Runtime trap: a Swift runtime error (force unwrap of nil, index out of range, fatalError, overflow, ...) or an illegal instruction',
      stack: trapped, release: '2.3.0', metadata: { unhandled: true, mechanism: 'signal', signal: 5 },
    }),
  ]);
  assert.deepEqual(answers.map((a) => a.status), [200]);
  assert.equal(answers[0].body.accepted, 4, JSON.stringify(answers[0].body));
  assert.deepEqual(answers[0].body.errors, []);

  const all = await groups((gs) => gs.filter((g) => g.error_type === 'BloopExample.ProfileError').length === 2
    && gs.some((g) => g.error_type === 'SIGTRAP')
    && gs.filter((g) => g.error_type === 'BloopExample.ProfileError').reduce((n, g) => n + g.total_count, 0) === 3);
  const profile = all.filter((g) => g.error_type === 'BloopExample.ProfileError').sort((a, b) => b.total_count - a.total_count);
  assert.equal(profile[0].total_count, 2, 'list and deep link: the same issue');
  assert.equal(profile[1].total_count, 1, 'checkout: an issue of its own');
  assert.notEqual(profile[0].fingerprint, profile[1].fingerprint);
  for (const g of profile) {
    assert.equal(g.source, 'ios');
    assert.equal(g.last_release, '2.3.1');
  }
  const shared = await detail(profile[0].fingerprint);
  const screens = shared.samples.map((s) => s.screen).sort();
  assert.deepEqual(screens, ['DeepLink', 'ProfileList']);
  const sample = shared.samples.find((s) => s.screen === 'DeepLink');
  assert.equal(sample.stack, fromDeepLink, 'the stack arrives as the platform printed it');
  assert.equal(sample.environment, 'production');

  const crash = all.find((g) => g.error_type === 'SIGTRAP');
  assert.equal(crash.total_count, 1);
  assert.equal(crash.last_release, '2.3.0', 'the release of the run that crashed');
  const crashDetail = await detail(crash.fingerprint);
  assert.deepEqual(crashDetail.samples[0].metadata, { mechanism: 'signal', signal: 5, unhandled: true });
});

test('capped fields and a UTF-8 body are accepted with the SDK\'s signature; another secret is refused', async () => {
  const long = 'Größe ungültig — 日本語 😀 '.repeat(200);
  const stack = Array.from({ length: 400 }, (_, i) => `${i}   BloopExample   0x00000001000${String(i).padStart(5, '0')} $s12BloopExample5frameyyF + ${i}`).join('\n');
  const event = app({
    error_type: 'BloopExample.EncodingError',
    message: w.truncate(long, w.limit('maxMessageBytes')),
    stack: w.truncate(stack, w.limit('maxStackBytes')),
    metadata: JSON.parse(w.cappedMetadata(Buffer.from(JSON.stringify({ blob: 'z'.repeat(5000) })), w.limit('maxMetadataBytes')).toString()),
  });
  const [answer] = await send([event]);
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  assert.equal(answer.body.accepted, 1, JSON.stringify(answer.body));

  const [refused] = await send([app({ error_type: 'Forged', message: 'signed with another secret' })], { secret: 'not-the-servers-secret-000' });
  assert.equal(refused.status, 401, 'a 4xx the SDK drops and logs once, never retries');

  const found = await groups((gs) => gs.some((g) => g.error_type === 'BloopExample.EncodingError'));
  assert.ok(!found.some((g) => g.error_type === 'Forged'));
});
