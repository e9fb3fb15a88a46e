// The "app" run in a child process on the runtime stand-in (runtime.js), with or without the SDK.
// Environment: APP_SDK (1 = init bloop), APP_ACTION (crash | start), BLOOP_ENDPOINT, BLOOP_SECRET,
// APP_STORAGE (file), APP_VERSION, SHUTDOWN_TIMEOUT.
"use strict";
const { callFromNative, out } = require("./runtime");
const fileStorage = require("./file-storage");

const env = process.env;
let Bloop;
if (env.APP_SDK === "1") {
  Bloop = require("../../lib");
  Bloop.init({
    endpoint: env.BLOOP_ENDPOINT,
    secret: env.BLOOP_SECRET,
    environment: "production",
    release: `shop-android@${env.APP_VERSION || "1.0.0"}`,
    appVersion: env.APP_VERSION || "1.0.0",
    buildNumber: env.APP_BUILD || "100",
    storage: fileStorage(env.APP_STORAGE),
    shutdownTimeout: Number(env.SHUTDOWN_TIMEOUT || 2000),
    minBackoff: 60000,
    logger: { debug() {}, warn: (m) => out(`BLOOP_WARN ${m}`), error: (m) => out(`BLOOP_ERROR ${m}`) },
  });
  Bloop.setScreen("Checkout");
}

function chargeCard(order) {
  return order.payment.card.token; // TypeError: order.payment is undefined
}

function onPressPay() {
  chargeCard({ id: 42 });
}

if (env.APP_ACTION === "crash") {
  setTimeout(() => {
    out(`APP_CRASHING ${Date.now()}`);
    callFromNative(onPressPay); // a tap on "Pay": the handler throws
  }, 10);
  // An app keeps running (its event loop never empties); only a crash ends it.
  setInterval(() => {}, 1000);
} else {
  // A normal start: stored events go out; report and end.
  (async () => {
    const restored = await Bloop.whenRestored();
    const flushed = await Bloop.flush(10000);
    await new Promise((r) => setTimeout(r, 200)); // let storage forget what was sent
    out(`APP_STARTED ${JSON.stringify({ restored, flushed, stats: Bloop.getClient().stats() })}`);
  })();
}
