// The page's own code: @sentry/browser's global handlers report what it throws. The DSN and the
// phase come from the page's query string: ?dsn=...&release=...&phase=issues|quota
const params = new URLSearchParams(location.search);
Sentry.init({
  dsn: params.get('dsn'),
  release: params.get('release'),
  environment: 'browser-test',
  sendClientReports: false,
});

function checkout(cartId) {
  throw new TypeError('cart ' + cartId + ' has no items');
}

function refund(orderId) {
  throw new RangeError('refund of order ' + orderId + ' exceeds the payment');
}

function later(fn) {
  return new Promise((resolve) => setTimeout(() => { resolve(); fn(); }, 0));
}

async function run(phase) {
  if (phase === 'issues') {
    // Uncaught, from the same throw site twice: the SDK's window.onerror handler captures them.
    for (const cart of [17, 42]) {
      await later(() => checkout(cart));
      await Sentry.flush(5000);
    }
    await later(() => refund(7));
    Sentry.captureMessage('browser says hello');
  } else if (phase === 'quota') {
    for (let i = 0; i < 4; i++) {
      await later(() => checkout(100 + i));
      await Sentry.flush(5000);
    }
  }
  return Sentry.flush(5000);
}

window.__done = null;
run(params.get('phase')).then((flushed) => { window.__done = { flushed }; },
  (e) => { window.__done = { error: String(e) }; });
