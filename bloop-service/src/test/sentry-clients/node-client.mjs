// @sentry/node pointed at bloop by its DSN. Usage: node node-client.mjs <dsn> <release> <environment> <phase>
//   issues: the same throw site twice (one issue), another site once, a message
//   quota:  four errors one after the other; bloop answers the second with 429, the SDK drops the rest
//   traces: two traced operations; bloop skips the first and rate-limits its category, the SDK drops the second
import * as Sentry from '@sentry/node';

const [dsn, release, environment, phase] = process.argv.slice(2);
Sentry.init({ dsn, release, environment, tracesSampleRate: phase === 'traces' ? 1.0 : 0, sendClientReports: false });

function checkout(cartId) {
  throw new TypeError(`cart ${cartId} has no items`);
}

function refund(orderId) {
  throw new RangeError(`refund of order ${orderId} exceeds the payment`);
}

const report = { phase, sent: 0 };
if (phase === 'issues') {
  for (const cart of [17, 42]) {
    try { checkout(cart); } catch (e) { Sentry.captureException(e); report.sent++; }
    await Sentry.flush(5000);
  }
  try { refund(7); } catch (e) { Sentry.captureException(e); report.sent++; }
  Sentry.captureMessage('node says hello');
} else if (phase === 'quota') {
  for (let i = 0; i < 4; i++) {
    try { checkout(100 + i); } catch (e) { Sentry.captureException(e); report.sent++; }
    await Sentry.flush(5000);
  }
} else if (phase === 'traces') {
  for (let i = 0; i < 2; i++) {
    Sentry.startSpan({ name: `nightly job ${i}`, op: 'task' }, () => {});
    await Sentry.flush(5000);
  }
}
report.flushed = await Sentry.flush(5000);
await Sentry.close(2000);
console.log(JSON.stringify(report));
