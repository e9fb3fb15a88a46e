'use strict';
// The SDK's wire code (Sources/BloopClient/Wire/*.swift), run by swiftlet, behind a small JS API
// for the tests: every function here only moves values in and out; the work is done by the Swift.
const fs = require('node:fs');
const path = require('node:path');
const { load, swift } = require('./swiftlet');

const WIRE_DIR = path.resolve(__dirname, '../../Sources/BloopClient/Wire');
let program = null;

async function wire() {
  if (!program) {
    const files = fs.readdirSync(WIRE_DIR).filter((f) => f.endsWith('.swift')).sort().map((f) => path.join(WIRE_DIR, f));
    program = await load(files);
  }
  return program;
}

const bytesOf = (text) => swift.bytes(Buffer.from(text, 'utf8'));

function api(p) {
  return {
    program: p,
    hash: (buffer) => swift.toJS(p.call('PureSHA256.hash', [[null, swift.bytes(buffer)]])),
    /** Lower-case hex HMAC-SHA256 of `body` (Buffer or string) keyed with `secret`'s UTF-8. */
    sign: (secret, body) => {
      const mac = p.call('PureHMAC.sha256', [['key', bytesOf(secret)], ['message', swift.bytes(Buffer.from(body))]]);
      return p.call('Hex.lowercase', [[null, mac]]).v;
    },
    truncate: (text, maxBytes) => p.call('UTF8Cap.truncate', [[null, swift.string(text)], ['maxBytes', swift.int(maxBytes)]]).v,
    jsonString: (text) => swift.toJS(p.call('JSONText.string', [[null, swift.string(text)]])),
    limit: (name) => swift.toJS(p.constant(`WireLimits.${name}`)),
    fieldOrder: () => swift.toJS(p.constant('EventFields.order')),
    /** Metadata as the SDK sends it: `encoded` (its compact JSON) or the replacement when over the cap. */
    cappedMetadata: (encoded, maxBytes) => swift.toJS(p.call('MetadataCap.capped', [[null, swift.bytes(encoded)], ['maxBytes', swift.int(maxBytes)]])),
    /**
     * An event object's JSON as BloopEvent.wireJSON() writes it: fields must come in
     * EventFields.order (checked), strings through JSONText.string, integers through
     * JSONText.integer, metadata (a JS object, keys sorted as JSONValue does) through the same.
     */
    encodeEvent(event) {
      const order = this.fieldOrder();
      const keys = Object.keys(event);
      let last = -1;
      for (const key of keys) {
        const at = order.indexOf(key);
        if (at < 0) throw new Error(`unknown event field ${key}`);
        if (at < last) throw new Error(`field ${key} out of the SDK's order`);
        last = at;
      }
      const values = keys.map((key) => encodeValue(p, event[key]));
      return swift.toJS(p.call('JSONText.object', [['keys', swift.strings(keys)], ['values', { t: { array: { array: 'UInt8' } }, v: values }]]));
    },
    envelope: (encodedEvents) => swift.toJS(p.call('Batching.envelope', [[null, swift.byteArrays(encodedEvents)]])),
    plan: (sizes, maxEvents, maxBodyBytes) => swift.toJS(p.call('Batching.plan', [[null, swift.ints(sizes)], ['maxEvents', swift.int(maxEvents)], ['maxBodyBytes', swift.int(maxBodyBytes)]])),
    backoff: (failures, initialMillis, maxMillis) => swift.toJS(p.call('RetrySchedule.backoffMillis', [['failures', swift.int(failures)], ['initialMillis', swift.int(initialMillis)], ['maxMillis', swift.int(maxMillis)]])),
    retryAfter: (text, maxMillis) => swift.toJS(p.call('RetrySchedule.retryAfterMillis', [[null, bytesOf(text)], ['maxMillis', swift.int(maxMillis)]])),
  };
}

/** A JS value as JSONValue.encoded() writes it, built from the interpreted JSONText functions. */
function encodeValue(p, value) {
  if (typeof value === 'string') return p.call('JSONText.string', [[null, swift.string(value)]]);
  if (typeof value === 'number' && Number.isInteger(value)) return p.call('JSONText.integer', [[null, swift.int(value, 'Int64')]]);
  if (typeof value === 'boolean') return swift.bytes(Buffer.from(value ? 'true' : 'false'));
  if (value === null) return swift.bytes(Buffer.from('null'));
  if (Array.isArray(value)) return p.call('JSONText.array', [[null, { t: { array: { array: 'UInt8' } }, v: value.map((v) => encodeValue(p, v)) }]]);
  if (typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return p.call('JSONText.object', [['keys', swift.strings(keys)], ['values', { t: { array: { array: 'UInt8' } }, v: keys.map((k) => encodeValue(p, value[k])) }]]);
  }
  throw new Error(`cannot encode ${typeof value}`);
}

module.exports = { wire: async () => api(await wire()), WIRE_DIR };
