// Crash events survive the crash: written to storage on a fatal error, queued again and sent at the
// next start (a new init() over the same storage, as after an app restart), then forgotten.
import { close, getClient, init, persistenceState, whenRestored } from "../src";
import { OFFLINE_ENDPOINT, recordingStorage, sleep, startStandIn, type StandIn } from "./helpers/standin";

const SECRET = "persistence-test-secret-0123456789";
const ErrorUtils = (globalThis as any).ErrorUtils;
const originalHandler = ErrorUtils.getGlobalHandler();

let server: StandIn;
let offline: string;
beforeAll(async () => {
  server = await startStandIn();
  offline = OFFLINE_ENDPOINT;
});
afterAll(() => server.close());
beforeEach(() => {
  (globalThis as any).__DEV__ = false;
});
afterEach(async () => {
  await close(100);
  server.requests.length = 0;
  server.respond(() => undefined);
  ErrorUtils.setGlobalHandler(originalHandler);
  (globalThis as any).__DEV__ = true;
});

function logger() {
  return { debug: jest.fn(), warn: jest.fn(), error: jest.fn() };
}

/** One "run" of the app. */
function run(endpoint: string, storage: any, extra: Record<string, unknown> = {}) {
  return init({
    endpoint, secret: SECRET, environment: "production", release: "1.4.0", appVersion: "1.4.0", buildNumber: "140",
    storage, logger: false, shutdownTimeout: 500, minBackoff: 60000, flushInterval: 60000, ...extra,
  });
}

/** The app's handler before init (React Native's: it ends the app on a fatal error). */
const pending: Array<() => void> = [];
function withPrevious() {
  pending.length = 0;
  ErrorUtils.setGlobalHandler((_e: unknown, fatal?: boolean) => {
    if (fatal) pending.splice(0).forEach((f) => f());
  });
}

/** A fatal error reaching the global handler; resolves (ms waited) when the app's own handler ran. */
function crash(error: unknown): Promise<number> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    pending.push(() => resolve(Date.now() - t0));
    ErrorUtils.reportFatalError(error);
  });
}

function checkout(): never {
  throw new TypeError("Cannot read property 'total' of undefined");
}

test("a fatal crash offline is stored, sent verbatim at the next start, then forgotten", async () => {
  const storage = recordingStorage();
  withPrevious();
  const first = run(offline, storage);
  first.setDefaults({ screen: "Checkout" });
  let error: unknown;
  try {
    checkout();
  } catch (e) {
    error = e;
  }
  const waited = await crash(error);
  expect(waited).toBeLessThan(3000);
  const stored = storage.stored();
  expect(stored).toHaveLength(1);
  expect(stored[0]).toMatchObject({
    source: "ios", release: "1.4.0", app_version: "1.4.0", build_number: "140", screen: "Checkout",
    error_type: "TypeError", message: "Cannot read property 'total' of undefined",
    metadata: { fatal: true, mechanism: "ErrorUtils", os: "ios" },
  });

  // Next start: a new version of the app, online.
  const second = run(server.url, storage, { release: "1.4.1", appVersion: "1.4.1", buildNumber: "141" });
  expect(await whenRestored()).toBe(1);
  expect(await second.flush(5000)).toBe(true);
  expect(server.events()).toEqual([stored[0]]); // the crash's own release, version, screen and time
  await until(() => storage.stored().length === 0);
  expect(persistenceState()).toEqual({ unsent: 0, stored: 0 });

  // A third start sends nothing again.
  const third = run(server.url, storage);
  expect(await whenRestored()).toBe(0);
  expect(await third.flush(1000)).toBe(true);
  expect(server.events()).toHaveLength(1);
});

test("a fatal crash online is delivered before the app's handler and not sent again at the next start", async () => {
  const storage = recordingStorage();
  withPrevious();
  run(server.url, storage, { shutdownTimeout: 10000 }); // returns as soon as it is sent
  await crash(new Error("online crash"));
  expect(server.events()).toHaveLength(1);
  await until(() => storage.stored().length === 0);
  expect(storage.calls).toContain("set @bloop/unsent-events");
  run(server.url, storage);
  expect(await whenRestored()).toBe(0);
  expect(await getClient()!.flush(1000)).toBe(true);
  expect(server.events()).toHaveLength(1);
});

test("events still queued when the app crashes are stored with the crash, in order", async () => {
  const storage = recordingStorage();
  withPrevious();
  const c = run(offline, storage);
  c.captureMessage("PaymentDeclined", "card declined");
  c.captureException(new Error("image failed to load"));
  await crash(new Error("then it crashed"));
  expect(storage.stored().map((e: any) => e.message)).toEqual(["card declined", "image failed to load", "then it crashed"]);
  run(server.url, storage);
  expect(await whenRestored()).toBe(3);
  expect(await getClient()!.flush(5000)).toBe(true);
  expect(server.events().map((e) => e.message)).toEqual(["card declined", "image failed to load", "then it crashed"]);
});

test("restored events the server cannot take yet (429) stay stored until it does; a refused one (400) is forgotten", async () => {
  const storage = recordingStorage();
  withPrevious();
  run(offline, storage);
  await crash(new Error("crash A"));
  run(offline, storage);
  await crash(new Error("crash B"));
  expect(storage.stored().map((e: any) => e.message)).toEqual(["crash A", "crash B"]);

  server.respond(() => ({ status: 429, headers: { "Retry-After": "60" } }));
  run(server.url, storage);
  expect(await whenRestored()).toBe(2);
  expect(await getClient()!.flush(300)).toBe(false);
  expect(storage.stored()).toHaveLength(2); // kept: the app may die again before the wait is over

  server.respond((req) => (req.body.includes("crash A") ? { status: 400, body: '{"error":"invalid"}' } : undefined));
  run(server.url, storage, { maxBatchSize: 1 });
  expect(await whenRestored()).toBe(2);
  expect(await getClient()!.flush(5000)).toBe(true);
  await until(() => storage.stored().length === 0);
  expect(getClient()!.stats()).toMatchObject({ sent: 1, refused: 1 });
});

test("beforeSend runs once, at capture time, not again when the stored event is sent", async () => {
  const storage = recordingStorage();
  const beforeSend = jest.fn((e: any) => ({ ...e, user_id_hash: "u-1" }));
  withPrevious();
  run(offline, storage, { beforeSend });
  await crash(new Error("scrubbed"));
  expect(beforeSend).toHaveBeenCalledTimes(1);
  const second = jest.fn((e: any) => e);
  run(server.url, storage, { beforeSend: second });
  await whenRestored();
  expect(await getClient()!.flush(5000)).toBe(true);
  expect(second).not.toHaveBeenCalled();
  expect(server.events()[0].user_id_hash).toBe("u-1");
});

test("storage is bounded: only the newest maxPersistedEvents are kept", async () => {
  const storage = recordingStorage();
  withPrevious();
  const c = run(offline, storage, { maxPersistedEvents: 3 });
  for (let i = 0; i < 5; i++) c.captureMessage("Noise", `event ${i}`);
  await crash(new Error("the crash"));
  expect(storage.stored().map((e: any) => e.message)).toEqual(["event 3", "event 4", "the crash"]);
});

test("a crash right at start-up does not overwrite the previous run's stored events", async () => {
  const storage = recordingStorage();
  withPrevious();
  run(offline, storage);
  await crash(new Error("earlier crash"));
  const slow = { ...storage, getItem: (k: string) => sleep(200).then(() => storage.getItem(k)) };
  run(offline, slow, { shutdownTimeout: 1500 });
  await crash(new Error("crash during start-up"));
  expect(storage.stored().map((e: any) => e.message)).toEqual(["earlier crash", "crash during start-up"]);
});

test("unreadable stored data is discarded with a warning; capturing goes on", async () => {
  const storage = recordingStorage({ "@bloop/unsent-events": "{not json" });
  const log = logger();
  run(server.url, storage, { logger: log });
  expect(await whenRestored()).toBe(0);
  expect(log.warn).toHaveBeenCalledWith(expect.stringContaining("unreadable"));
  await until(() => !storage.items.has("@bloop/unsent-events"));
  getClient()!.captureMessage("After", "still works");
  expect(await getClient()!.flush(5000)).toBe(true);
  expect(server.events()).toHaveLength(1);
});

test("a failing storage is logged once and never reaches the app", async () => {
  const log = logger();
  const broken = {
    getItem: () => Promise.reject(new Error("disk I/O error")),
    setItem: () => Promise.reject(new Error("disk I/O error")),
    removeItem: () => {
      throw new Error("disk I/O error");
    },
  };
  withPrevious();
  run(offline, broken, { logger: log });
  await crash(new Error("crash 1"));
  await crash(new Error("crash 2"));
  const storageWarnings = log.warn.mock.calls.filter((c) => /storage|stored/.test(c[0]));
  expect(storageWarnings).toHaveLength(1);
});

test("default storage: @react-native-async-storage/async-storage when installed (its own `bloop` database)", async () => {
  jest.resetModules();
  jest.doMock("@react-native-async-storage/async-storage", () => require("@react-native-async-storage/async-storage/jest"));
  const mock = require("@react-native-async-storage/async-storage/jest");
  const sdk = require("../src") as typeof import("../src");
  const ErrorUtilsNow = (globalThis as any).ErrorUtils;
  const previous = jest.fn();
  ErrorUtilsNow.setGlobalHandler(previous);
  sdk.init({ endpoint: offline, secret: SECRET, environment: "e", release: "r", logger: false, shutdownTimeout: 300, minBackoff: 60000 });
  ErrorUtilsNow.reportFatalError(new Error("kept in AsyncStorage"));
  await until(() => previous.mock.calls.length > 0);
  const raw = await mock.createAsyncStorage("bloop").getItem("@bloop/unsent-events");
  expect(JSON.parse(JSON.parse(raw).events[0].json).message).toBe("kept in AsyncStorage");
  await sdk.close(100);
  jest.dontMock("@react-native-async-storage/async-storage");
});

test("AsyncStorage v1/v2 (a default export only) is used as it is; without the package, memory", () => {
  jest.resetModules();
  jest.isolateModules(() => {
    const legacy = { getItem: jest.fn(), setItem: jest.fn(), removeItem: jest.fn() };
    jest.doMock("@react-native-async-storage/async-storage", () => ({ __esModule: true, default: legacy }));
    expect(require("../src/storage").asyncStorageIfInstalled()).toBe(legacy);
  });
  jest.resetModules();
  jest.isolateModules(() => {
    jest.doMock("@react-native-async-storage/async-storage", () => {
      throw new Error("Cannot find module '@react-native-async-storage/async-storage'");
    });
    const storage = require("../src/storage");
    expect(storage.asyncStorageIfInstalled()).toBeUndefined();
    expect(storage.defaultStorage().persistent).toBe(false);
  });
  jest.dontMock("@react-native-async-storage/async-storage");
});

async function until(predicate: () => boolean, ms = 10000) {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error("condition not met");
    await sleep(10);
  }
}
