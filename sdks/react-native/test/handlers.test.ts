// The runtime hooks under the real React Native jest preset: its ErrorUtils (error-guard), AppState
// (the preset's mock), and Hermes' rejection tracker (a stand-in object: Node is not Hermes).
import { AppState } from "react-native";
import { close, getClient, init, persistenceState } from "../src";
import { OFFLINE_ENDPOINT, recordingStorage, sleep, startStandIn, type StandIn } from "./helpers/standin";

jest.mock("react-native/Libraries/promiseRejectionTrackingOptions", () => ({
  __esModule: true,
  default: { allRejections: true, onUnhandled: jest.fn(), onHandled: jest.fn() },
}));

const SECRET = "handlers-test-secret-0123456789";
const ErrorUtils = (globalThis as any).ErrorUtils as {
  getGlobalHandler(): (e: unknown, fatal?: boolean) => void;
  setGlobalHandler(h: (e: unknown, fatal?: boolean) => void): void;
  reportError(e: unknown): void;
  reportFatalError(e: unknown): void;
  applyWithGuard(fn: () => unknown): unknown;
};
const rnTracker = jest.requireMock("react-native/Libraries/promiseRejectionTrackingOptions").default;
const originalHandler = ErrorUtils.getGlobalHandler();

let server: StandIn;
beforeAll(async () => {
  server = await startStandIn();
});
afterAll(() => server.close());
beforeEach(() => {
  (globalThis as any).__DEV__ = false;
});
afterEach(async () => {
  await close(200);
  server.requests.length = 0;
  server.respond(() => undefined);
  ErrorUtils.setGlobalHandler(originalHandler);
  (globalThis as any).__DEV__ = true;
  delete (globalThis as any).HermesInternal;
  jest.clearAllMocks();
});

function start(extra: Record<string, unknown> = {}) {
  return init({
    endpoint: server.url, secret: SECRET, environment: "production", release: "1.0.0", flushInterval: 60000,
    logger: false, ...extra,
  });
}

/** The app's previous global handler (React Native's, which ends the app on a fatal error in a release build). */
function previousHandler() {
  const calls: Array<{ error: unknown; isFatal: unknown; at: number; received: number }> = [];
  const fn = jest.fn((error: unknown, isFatal?: boolean) => {
    calls.push({ error, isFatal, at: Date.now(), received: server.events().length });
  });
  ErrorUtils.setGlobalHandler(fn);
  return { fn, calls };
}

async function until(predicate: () => boolean, ms = 10000) {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error("condition not met");
    await sleep(10);
  }
}

function payNow(): never {
  throw new TypeError("undefined is not an object (evaluating 'order.total')");
}

describe("ErrorUtils global handler", () => {
  test("fatal (release build): captured with fatal recorded, persisted first, flushed, then the previous handler", async () => {
    const prev = previousHandler();
    const storage = recordingStorage();
    start({ storage, shutdownTimeout: 10000 }); // the bound; it goes on as soon as the event is sent
    let error: unknown;
    try {
      payNow();
    } catch (e) {
      error = e;
    }
    ErrorUtils.reportFatalError(error);
    expect(prev.fn).not.toHaveBeenCalled(); // not before the flush
    await until(() => prev.calls.length > 0);
    expect(prev.fn).toHaveBeenCalledTimes(1);
    expect(prev.fn).toHaveBeenCalledWith(error, true);
    expect(prev.calls[0].received).toBe(1); // delivered before the app's handler ran
    const [event] = server.events();
    expect(event).toMatchObject({
      error_type: "TypeError", message: "undefined is not an object (evaluating 'order.total')",
      metadata: { mechanism: "ErrorUtils", handled: false, fatal: true },
    });
    expect(event.stack).toMatch(/^\s+at payNow \(.*handlers\.test\.ts:\d+:\d+\)/);
    // Written to storage first, forgotten once delivered.
    const set = storage.calls.indexOf("set @bloop/unsent-events");
    expect(set).toBeGreaterThan(-1);
    expect(storage.calls.indexOf("remove @bloop/unsent-events")).toBeGreaterThan(set);
    expect(storage.stored()).toEqual([]);
  });

  test("fatal with bloop unreachable: the previous handler still runs within shutdownTimeout and the event stays stored", async () => {
    const prev = previousHandler();
    const storage = recordingStorage();
    init({ endpoint: OFFLINE_ENDPOINT, secret: SECRET, environment: "production", release: "1.0.0",
      storage, logger: false, shutdownTimeout: 600, minBackoff: 60000 });
    const t0 = Date.now();
    ErrorUtils.reportFatalError(new RangeError("Maximum call stack size exceeded"));
    await until(() => prev.calls.length > 0);
    const waited = prev.calls[0].at - t0;
    expect(waited).toBeGreaterThanOrEqual(550);
    expect(waited).toBeLessThan(3000);
    expect(storage.stored()).toMatchObject([
      { error_type: "RangeError", message: "Maximum call stack size exceeded", metadata: { fatal: true } },
    ]);
  });

  test("a storage that never answers cannot hold the app: the previous handler runs within the bound", async () => {
    const prev = previousHandler();
    const stuck = { getItem: () => null, setItem: () => new Promise(() => {}), removeItem: () => new Promise(() => {}) };
    init({ endpoint: OFFLINE_ENDPOINT, secret: SECRET, environment: "production", release: "1.0.0",
      storage: stuck, logger: false, shutdownTimeout: 400, minBackoff: 60000 });
    const t0 = Date.now();
    ErrorUtils.reportFatalError(new Error("stuck storage"));
    await until(() => prev.calls.length > 0);
    expect(prev.calls[0].at - t0).toBeLessThan(2500);
  });

  test("a non-fatal error is captured (fatal: false) and passed on at once", async () => {
    const prev = previousHandler();
    start({ storage: false });
    const error = new Error("soft failure");
    ErrorUtils.reportError(error);
    expect(prev.fn).toHaveBeenCalledWith(error, false);
    expect(await getClient()!.flush(5000)).toBe(true);
    expect(server.events()[0]).toMatchObject({ message: "soft failure", metadata: { fatal: false, handled: false } });
  });

  test("errors thrown inside ErrorUtils.applyWithGuard (how React Native calls app code) are captured", async () => {
    previousHandler();
    start({ storage: false });
    ErrorUtils.applyWithGuard(() => payNow());
    expect(await getClient()!.flush(5000)).toBe(true);
    expect(server.events()[0].error_type).toBe("TypeError");
  });

  test("development build: the red box (previous handler) comes at once; the event is still sent", async () => {
    (globalThis as any).__DEV__ = true;
    const prev = previousHandler();
    start({ storage: false });
    const error = new Error("dev fatal");
    ErrorUtils.reportFatalError(error);
    expect(prev.fn).toHaveBeenCalledWith(error, true);
    await server.waitFor((r) => r.length === 1);
    expect(server.events()[0].metadata.fatal).toBe(true);
  });

  test("a second fatal while the first is flushed is captured, and the previous handler runs once", async () => {
    const prev = previousHandler();
    start({ storage: false });
    ErrorUtils.reportFatalError(new Error("first"));
    ErrorUtils.reportFatalError(new Error("second"));
    await until(() => prev.calls.length > 0);
    await sleep(100);
    expect(prev.fn).toHaveBeenCalledTimes(1);
    expect((prev.calls[0].error as Error).message).toBe("first");
    expect(await getClient()!.flush(5000)).toBe(true);
    expect(server.events().map((e) => e.message).sort()).toEqual(["first", "second"]);
  });

  test("close() restores the previous handler", async () => {
    const prev = previousHandler();
    start({ storage: false });
    expect(ErrorUtils.getGlobalHandler()).not.toBe(prev.fn);
    await close();
    expect(ErrorUtils.getGlobalHandler()).toBe(prev.fn);
  });

  test("a handler installed after ours stays after close(); ours then only passes errors on", async () => {
    const prev = previousHandler();
    start({ storage: false });
    const ours = ErrorUtils.getGlobalHandler();
    const appHandler = jest.fn((e: unknown, f?: boolean) => ours(e, f));
    ErrorUtils.setGlobalHandler(appHandler);
    await close();
    expect(ErrorUtils.getGlobalHandler()).toBe(appHandler);
    const error = new Error("after close");
    ErrorUtils.reportFatalError(error);
    expect(prev.fn).toHaveBeenCalledWith(error, true); // at once: nothing to flush
    await sleep(50);
    expect(server.requests).toHaveLength(0);
  });

  test("autoCapture: false installs no handler", () => {
    const prev = previousHandler();
    start({ storage: false, autoCapture: false });
    expect(ErrorUtils.getGlobalHandler()).toBe(prev.fn);
  });
});

describe("Hermes promise rejection tracking", () => {
  function hermes() {
    const h = { hasPromise: () => true, enablePromiseRejectionTracker: jest.fn() };
    (globalThis as any).HermesInternal = h;
    return h;
  }

  test("the tracker is enabled for all rejections; an unhandled one is captured", async () => {
    const h = hermes();
    start({ storage: false });
    expect(h.enablePromiseRejectionTracker).toHaveBeenCalledTimes(1);
    const options = h.enablePromiseRejectionTracker.mock.calls[0][0];
    expect(options.allRejections).toBe(true);
    const rejection = await Promise.reject(new Error("fetch failed: 502")).catch((e) => e);
    options.onUnhandled(7, rejection);
    options.onUnhandled(8, "plain string reason");
    expect(await getClient()!.flush(5000)).toBe(true);
    const events = server.events();
    expect(events[0]).toMatchObject({ error_type: "Error", message: "fetch failed: 502",
      metadata: { mechanism: "unhandledrejection", handled: false, js_engine: "hermes" } });
    expect(events[1]).toMatchObject({ message: "plain string reason" });
    expect(rnTracker.onUnhandled).not.toHaveBeenCalled(); // release build: React Native had no tracker
  });

  test("in development React Native's own tracker (its warning) is kept behind ours", async () => {
    (globalThis as any).__DEV__ = true;
    const h = hermes();
    start({ storage: false });
    const options = h.enablePromiseRejectionTracker.mock.calls[0][0];
    const error = new Error("dev rejection");
    options.onUnhandled(3, error);
    options.onHandled(3);
    expect(rnTracker.onUnhandled).toHaveBeenCalledWith(3, error);
    expect(rnTracker.onHandled).toHaveBeenCalledWith(3);
    expect(await getClient()!.flush(5000)).toBe(true);
    expect(server.events()).toHaveLength(1);
  });

  test("after close() the tracker goes quiet (Hermes cannot remove it)", async () => {
    const h = hermes();
    start({ storage: false });
    const options = h.enablePromiseRejectionTracker.mock.calls[0][0];
    await close();
    options.onUnhandled(1, new Error("late"));
    await sleep(50);
    expect(server.requests).toHaveLength(0);
  });

  test("no Hermes (or Promise not Hermes' own): nothing is installed, nothing breaks", () => {
    expect(() => start({ storage: false })).not.toThrow();
    const h = { hasPromise: () => false, enablePromiseRejectionTracker: jest.fn() };
    (globalThis as any).HermesInternal = h;
    start({ storage: false });
    expect(h.enablePromiseRejectionTracker).not.toHaveBeenCalled();
  });

  test("captureUnhandledRejections: false leaves the tracker alone", () => {
    const h = hermes();
    start({ storage: false, captureUnhandledRejections: false });
    expect(h.enablePromiseRejectionTracker).not.toHaveBeenCalled();
  });
});

describe("AppState", () => {
  const addEventListener = AppState.addEventListener as unknown as jest.Mock;

  test("background: unsent events are written to storage and sent at once, not after the flush interval", async () => {
    const storage = recordingStorage();
    start({ storage });
    const listener = addEventListener.mock.calls.at(-1)![1] as (state: string) => void;
    expect(addEventListener.mock.calls.at(-1)![0]).toBe("change");
    getClient()!.captureMessage("Backgrounded", "queued when the user left");
    expect(persistenceState()).toEqual({ unsent: 1, stored: 0 });
    listener("background");
    expect(persistenceState()).toEqual({ unsent: 1, stored: 1 });
    await server.waitFor((r) => r.length === 1, 5000);
    await until(() => storage.calls.includes("remove @bloop/unsent-events"));
    expect(storage.calls.indexOf("set @bloop/unsent-events")).toBeLessThan(storage.calls.indexOf("remove @bloop/unsent-events"));
    expect(persistenceState()).toEqual({ unsent: 0, stored: 0 });
    expect(server.events()[0].message).toBe("queued when the user left");
  });

  test("other states send nothing; close() removes the listener", async () => {
    start({ storage: false });
    const { results, calls } = addEventListener.mock;
    const listener = calls.at(-1)![1] as (state: string) => void;
    const subscription = results.at(-1)!.value as { remove: jest.Mock };
    getClient()!.captureMessage("Stay", "x");
    listener("inactive");
    listener("active");
    await sleep(150);
    expect(server.requests).toHaveLength(0);
    await close();
    expect(subscription.remove).toHaveBeenCalledTimes(1);
  });

  test("flushOnBackground: false adds no listener", () => {
    const before = addEventListener.mock.calls.length;
    start({ storage: false, flushOnBackground: false });
    expect(addEventListener.mock.calls.length).toBe(before);
  });
});
