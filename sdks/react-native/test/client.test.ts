// init() against a loopback stand-in: React Native defaults (source, device facts, app version),
// and the sending contract as the app sees it through this SDK (429/503/network/401, overflow).
import { Platform } from "react-native";
import { capture, captureException, captureMessage, close, flush, getClient, init, persistenceState, setScreen } from "../src";
import { OFFLINE_ENDPOINT, sign, sleep, startStandIn, type StandIn } from "./helpers/standin";

const SECRET = "client-test-secret-0123456789";
let server: StandIn;

beforeAll(async () => {
  server = await startStandIn();
});
afterAll(() => server.close());
afterEach(async () => {
  await close(200);
  server.requests.length = 0;
  server.respond(() => undefined);
  jest.restoreAllMocks();
});

function logger() {
  return { debug: jest.fn(), warn: jest.fn(), error: jest.fn() };
}

function start(extra: Record<string, unknown> = {}) {
  return init({
    endpoint: server.url, secret: SECRET, environment: "production", release: "2.3.0", flushInterval: 60000,
    storage: false, autoCapture: false, flushOnBackground: false, logger: logger(), ...extra,
  });
}

test("events carry source ios from Platform.OS, release, environment, app version, build number and device facts", async () => {
  start({ appVersion: "2.3.0", buildNumber: "230" });
  setScreen("Checkout");
  captureException(new TypeError("Cannot read property 'total' of undefined"), { metadata: { cart: 3 } });
  expect(await flush(5000)).toBe(true);
  const [event] = server.events();
  expect(event).toMatchObject({
    source: "ios", environment: "production", release: "2.3.0", app_version: "2.3.0", build_number: "230",
    screen: "Checkout", error_type: "TypeError", message: "Cannot read property 'total' of undefined",
  });
  expect(event.stack).toMatch(/^\s+at .*client\.test\.ts:\d+:\d+/);
  expect(event.metadata).toMatchObject({ cart: 3, os: "ios", react_native_version: "1000.0.0", js_engine: "other" });
  expect(typeof event.timestamp).toBe("number");
  expect(Object.keys(event).every((k) => event[k] !== null)).toBe(true);
});

test("on Android the source is android and the device model is in the metadata", async () => {
  jest.replaceProperty(Platform, "OS", "android");
  jest.spyOn(Platform, "constants", "get").mockReturnValue({
    Version: 34, Release: "14", Model: "Pixel 8", Manufacturer: "Google", Brand: "google", Serial: "", Fingerprint: "",
    uiMode: "normal", isTesting: true, reactNativeVersion: { major: 0, minor: 86, patch: 3 },
  } as any);
  (globalThis as any).HermesInternal = {};
  try {
    start();
    captureMessage("Crashy", "boom");
    expect(await flush(5000)).toBe(true);
    expect(server.events()[0]).toMatchObject({
      source: "android",
      metadata: { os: "android", os_version: "14", android_api_level: "34", device_model: "Google Pixel 8",
        react_native_version: "0.86.3", js_engine: "hermes" },
    });
  } finally {
    delete (globalThis as any).HermesInternal;
  }
});

test("an explicit source and a projectKey are sent as given", async () => {
  start({ source: "ios-kids", projectKey: "bloop_pk_demo" });
  capture({ error_type: "E", message: "m" });
  expect(await flush(5000)).toBe(true);
  expect(server.events()[0].source).toBe("ios-kids");
  expect(server.requests[0].headers["x-project-key"]).toBe("bloop_pk_demo");
  expect(server.requests[0].headers["x-signature"]).toBe(sign(SECRET, server.requests[0].body));
});

test("429 with Retry-After: the batch is kept and sent again after the wait", async () => {
  server.respond((_req, i) => (i === 0 ? { status: 429, headers: { "Retry-After": "1" } } : undefined));
  start();
  captureMessage("RateLimited", "one");
  const t0 = Date.now();
  expect(await flush(500)).toBe(false);
  expect(persistenceState()).toEqual({ unsent: 0, stored: 0 }); // storage off: nothing tracked
  await server.waitFor((r) => r.length >= 2, 10000);
  expect(server.requests[1].at - t0).toBeGreaterThanOrEqual(950);
  expect(server.requests[1].body).toBe(server.requests[0].body);
  expect(getClient()!.stats()).toMatchObject({ sent: 1, pending: 0 });
});

test("503 without Retry-After waits defaultRetryAfter, keeps the batch", async () => {
  server.respond((_req, i) => (i === 0 ? { status: 503 } : undefined));
  start({ defaultRetryAfter: 400 });
  captureMessage("Unavailable", "one");
  void flush(100);
  await server.waitFor((r) => r.length >= 2, 10000);
  expect(server.requests[1].at - server.requests[0].at).toBeGreaterThanOrEqual(350);
  expect(server.events().map((e) => e.message)).toEqual(["one", "one"]);
});

test("a network error is retried with backoff and the event still arrives", async () => {
  server.respond((_req, i) => (i === 0 ? "reset" : undefined));
  start({ minBackoff: 50, maxBackoff: 200 });
  captureMessage("Flaky", "network");
  void flush(100);
  await server.waitFor((r) => r.length >= 2, 10000);
  await sleep(50);
  expect(getClient()!.stats()).toMatchObject({ sent: 1, pending: 0 });
});

test("an unreachable server: nothing thrown, events kept for a retry", async () => {
  const log = logger();
  init({ endpoint: OFFLINE_ENDPOINT, secret: SECRET, environment: "e", release: "r", storage: false,
    autoCapture: false, flushOnBackground: false, logger: log, minBackoff: 60000 });
  expect(captureMessage("Offline", "x")).toBe(true);
  expect(await flush(300)).toBe(false);
  expect(getClient()!.stats().pending).toBe(1);
  expect(log.warn).toHaveBeenCalledWith(expect.stringContaining("unreachable"));
});

test("401: the batch is dropped, not retried, and logged once", async () => {
  server.respond(() => ({ status: 401, body: '{"error":"bad signature"}' }));
  const log = logger();
  start({ logger: log });
  captureMessage("Unauthorized", "first");
  expect(await flush(5000)).toBe(true);
  captureMessage("Unauthorized", "second");
  expect(await flush(5000)).toBe(true);
  await sleep(300);
  expect(server.requests).toHaveLength(2);
  expect(log.error).toHaveBeenCalledTimes(1);
  expect(log.error.mock.calls[0][0]).toMatch(/refused 1 events with 401/);
  expect(getClient()!.stats()).toMatchObject({ refused: 2, pending: 0 });
});

test("queue overflow drops the oldest events and counts them", async () => {
  const log = logger();
  start({ maxQueueSize: 5, logger: log });
  for (let i = 0; i < 8; i++) captureMessage("Overflow", `event ${i}`);
  expect(getClient()!.droppedEvents).toBe(3);
  expect(await flush(5000)).toBe(true);
  expect(server.events().map((e) => e.message)).toEqual(["event 3", "event 4", "event 5", "event 6", "event 7"]);
  expect(log.warn).toHaveBeenCalledWith(expect.stringContaining("queue full"));
});

test("beforeSend can change or drop events; a throwing one does not reach the app", async () => {
  const c = start({
    beforeSend: (e: any) => {
      if (e.message === "drop me") return null;
      if (e.message === "throw") throw new Error("bad hook");
      return { ...e, message: e.message.toUpperCase() };
    },
  });
  expect(captureMessage("A", "keep me")).toBe(true);
  expect(captureMessage("A", "drop me")).toBe(false);
  expect(() => captureMessage("A", "throw")).not.toThrow();
  expect(await flush(5000)).toBe(true);
  expect(server.events().map((e) => e.message)).toEqual(["KEEP ME"]);
  expect(c.stats().filtered).toBe(1);
});

test("after close() captures are no-ops and init() replaces the previous client", async () => {
  const first = start();
  const second = start();
  expect(first.isClosed).toBe(true);
  expect(getClient()).toBe(second);
  await close();
  expect(captureMessage("Late", "x")).toBe(false);
  expect(await flush(100)).toBe(true);
  expect(server.requests).toHaveLength(0);
});

test("invalid options throw a TypeError at init; enabled: false is a no-op client", () => {
  expect(() => init({ endpoint: "nope", secret: "s", environment: "e", release: "r" })).toThrow(TypeError);
  expect(() => init({ endpoint: server.url, secret: "s", environment: "e", release: "r", maxPersistedEvents: 0 })).toThrow(TypeError);
  const off = init({ enabled: false } as any);
  expect(off.captureMessage("x", "y")).toBe(false);
});
