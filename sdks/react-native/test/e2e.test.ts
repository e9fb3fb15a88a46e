// End to end against a real bloop started from the built jar (BLOOP_JAR): the SDK's client logic
// runs here under Node (jest with the React Native preset, React Native's own ErrorUtils), sends
// with the global fetch, and the errors become issues. Then a crash in a child process, stored
// offline, reaches bloop at the next start.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { captureException, close, flush, getClient, init, setScreen } from "../src";
import { startBloop, waitForGroups, type Bloop } from "./helpers/bloop";
import { line, runApp, storedEvents } from "./helpers/app";
import { OFFLINE_ENDPOINT } from "./helpers/standin";

const ErrorUtils = (globalThis as any).ErrorUtils;
const originalHandler = ErrorUtils.getGlobalHandler();
let bloop: Bloop;

beforeAll(async () => {
  bloop = await startBloop();
}, 180000);
afterAll(async () => {
  await close(500);
  ErrorUtils.setGlobalHandler(originalHandler);
  if (bloop) await bloop.stop();
}, 60000);

// One throw site, reached from two places in the app.
function applyCoupon(code: string): never {
  throw new TypeError(`coupon '${code}' has expired`);
}
function onPressApply(): void {
  applyCoupon("SPRING");
}
function onDeepLink(): void {
  const fromUrl = "SPRING";
  applyCoupon(fromUrl);
}
// The same error raised somewhere else.
function loadProfile(): never {
  throw new TypeError("coupon 'SPRING' has expired");
}

test("errors raised in the app become issues: one throw site from two call paths is one issue, another site another", async () => {
  (globalThis as any).__DEV__ = false;
  const previous = jest.fn();
  ErrorUtils.setGlobalHandler(previous);
  (globalThis as any).HermesInternal = { hasPromise: () => true, enablePromiseRejectionTracker: jest.fn() };
  try {
    init({
      endpoint: bloop.url, secret: bloop.secret, environment: "e2e", release: "shop-ios@2.0.0",
      appVersion: "2.0.0", buildNumber: "200", flushInterval: 200, storage: false, logger: false,
    });
    setScreen("Cart");
    // A tap handler throwing: React Native calls app code through ErrorUtils' guard.
    ErrorUtils.applyWithGuard(onPressApply);
    // The same function failing on another path, caught by the app and reported.
    try {
      onDeepLink();
    } catch (e) {
      captureException(e, { metadata: { path: "deep-link" } });
    }
    try {
      loadProfile();
    } catch (e) {
      captureException(e);
    }
    // An unhandled promise rejection, as Hermes reports it.
    const tracker = (globalThis as any).HermesInternal.enablePromiseRejectionTracker.mock.calls[0][0];
    const reason = await fetchOrders().catch((e) => e);
    tracker.onUnhandled(1, reason);
    expect(await flush(10000)).toBe(true);
    expect(getClient()!.stats()).toMatchObject({ sent: 4, refused: 0, dropped: 0 });
  } finally {
    delete (globalThis as any).HermesInternal;
  }

  const groups = await waitForGroups(bloop, (gs) =>
    gs.filter((g) => g.error_type === "TypeError").reduce((n, g) => n + g.total_count, 0) === 3
    && gs.some((g) => g.error_type === "OrdersError"));
  const coupon = groups.filter((g) => g.error_type === "TypeError");
  expect(coupon.map((g) => g.total_count).sort()).toEqual([1, 2]);
  const twice = coupon.find((g) => g.total_count === 2);
  const once = coupon.find((g) => g.total_count === 1);
  expect(twice.fingerprint).not.toBe(once.fingerprint);
  for (const g of coupon) {
    expect(g).toMatchObject({ source: "ios", message: "coupon 'SPRING' has expired", last_release: "shop-ios@2.0.0" });
  }
  const detail = await bloop.get(`/v1/errors/${twice.fingerprint}`);
  expect(detail.status).toBe(200);
  const samples = detail.json.samples as any[];
  expect(samples).toHaveLength(2);
  for (const s of samples) {
    expect(s).toMatchObject({ environment: "e2e", release: "shop-ios@2.0.0", app_version: "2.0.0", build_number: "200", screen: "Cart" });
    expect(s.stack).toMatch(/^\s+at applyCoupon \(/);
    expect(s.metadata.os).toBe("ios");
  }
  expect(samples.map((s) => s.stack.split("\n")[1].trim().split(" ")[1]).sort()).toEqual(["onDeepLink", "onPressApply"]);
  expect(samples.some((s) => s.metadata.mechanism === "ErrorUtils" && s.metadata.fatal === false)).toBe(true);
  expect(previous).toHaveBeenCalledTimes(1); // the guard's error went on to the app's handler
  const rejection = groups.find((g) => g.error_type === "OrdersError");
  expect(rejection).toMatchObject({ message: "orders request failed with 502", total_count: 1 });
  await close(1000);
});

class OrdersError extends Error {
  name = "OrdersError";
}
async function fetchOrders(): Promise<never> {
  await Promise.resolve();
  throw new OrdersError("orders request failed with 502");
}

test("a crash while offline is stored on the device and reaches bloop at the next start", async () => {
  const dir = mkdtempSync(join(tmpdir(), "bloop-rn-e2e-app-"));
  const storage = join(dir, "storage.json");
  try {
    const crashed = await runApp({
      APP_SDK: "1", APP_ACTION: "crash", BLOOP_ENDPOINT: OFFLINE_ENDPOINT, BLOOP_SECRET: bloop.secret,
      APP_STORAGE: storage, APP_VERSION: "3.1.0", APP_BUILD: "310", SHUTDOWN_TIMEOUT: "500",
    });
    expect(crashed.signal).toBe("SIGKILL");
    expect(line(crashed, "RN_DEFAULT_HANDLER")).toBeDefined();
    expect(existsSync(storage)).toBe(true);
    expect(storedEvents(storage)).toHaveLength(1);

    const started = await runApp({
      APP_SDK: "1", APP_ACTION: "start", BLOOP_ENDPOINT: bloop.url, BLOOP_SECRET: bloop.secret, APP_STORAGE: storage,
      APP_VERSION: "3.1.1", APP_BUILD: "311",
    });
    expect(JSON.parse(line(started, "APP_STARTED")!)).toMatchObject({ restored: 1, flushed: true, stats: { sent: 1 } });
    expect(storedEvents(storage)).toEqual([]);

    const groups = await waitForGroups(bloop, (gs) => gs.some((g) => g.source === "android"));
    const crash = groups.find((g) => g.source === "android");
    expect(crash).toMatchObject({
      error_type: "TypeError", message: "Cannot read properties of undefined (reading 'card')",
      last_release: "shop-android@3.1.0", total_count: 1,
    });
    const detail = await bloop.get(`/v1/errors/${crash.fingerprint}`);
    const [sample] = detail.json.samples;
    expect(sample).toMatchObject({ app_version: "3.1.0", build_number: "310", screen: "Checkout" });
    expect(sample.metadata).toMatchObject({ fatal: true, handled: false, device_model: "Google Pixel 8" });
    expect(sample.stack).toMatch(/^ {4}at chargeCard \(/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
