/**
 * The React Native layer over `@bloop/sdk`'s core: `init()` builds the core client with React
 * Native's defaults (source from `Platform.OS`, the pure-JS HMAC for Hermes, the global `fetch`)
 * and installs the runtime's hooks, each undone by `close()`:
 *
 * - `ErrorUtils.setGlobalHandler` (chained): the error is captured with `fatal` recorded; on a fatal
 *   error the unsent events are written to storage first, then flushed (bounded by
 *   `shutdownTimeout`), and only then is the previous handler called (which ends the app in a
 *   release build).
 * - Hermes promise-rejection tracking (`HermesInternal.enablePromiseRejectionTracker`).
 * - `AppState` → `background`: unsent events are written to storage and sent at once.
 * - At start, events stored by an earlier run are queued again, exactly as they were.
 */
import {
  BloopClient, LIMITS, fetchTransport, getClient, normalizeEvent, pureSigner, setClient, utf8Length,
  type BloopEvent, type BloopOptions, type EventContext, type Integration, type Transport,
} from "@bloop/sdk";
import { AppState } from "react-native";
import { deviceMetadata, platformSource } from "./device";
import { Outbox, newEventId, type StoredEvent } from "./outbox";
import { asyncStorageIfInstalled, memoryStorage, type BloopStorage } from "./storage";

export interface ReactNativeOptions extends BloopOptions {
  /**
   * Where unsent events are kept across a crash: any `{getItem, setItem, removeItem}` (sync or
   * async). Default: `@react-native-async-storage/async-storage` when installed, else memory (lost
   * with the app). `false`: nothing is persisted.
   */
  storage?: BloopStorage | false;
  /** The storage key. Default `@bloop/unsent-events`. */
  storageKey?: string;
  /** Most events kept in storage (the oldest are dropped first). Default 30. */
  maxPersistedEvents?: number;
  /** Capture unhandled promise rejections (Hermes). Default true (when `autoCapture` is on). */
  captureUnhandledRejections?: boolean;
  /** When the app goes to the background, persist and send what is queued. Default true. */
  flushOnBackground?: boolean;
  /** Add `os`, `os_version`, `device_model`/`device_idiom`, `react_native_version`, `js_engine` to the metadata. Default true. */
  deviceMetadata?: boolean;
}

export const DEFAULT_STORAGE_KEY = "@bloop/unsent-events";
const MAX_PERSISTED_BYTES = 512 * 1024;

type GlobalHandler = (error: unknown, isFatal?: boolean) => void;
interface ErrorUtilsLike {
  getGlobalHandler(): GlobalHandler;
  setGlobalHandler(handler: GlobalHandler): void;
}
interface RejectionTrackerOptions {
  allRejections: boolean;
  onUnhandled: (id: number, rejection?: unknown) => void;
  onHandled: (id: number) => void;
}
interface HermesLike {
  hasPromise?: () => boolean;
  enablePromiseRejectionTracker?: (options: RejectionTrackerOptions) => void;
}

function isDev(): boolean {
  return (globalThis as unknown as { __DEV__?: unknown }).__DEV__ === true;
}

function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), Math.max(0, ms));
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      () => {
        clearTimeout(timer);
        resolve(undefined);
      },
    );
  });
}

/** Whether the core treats this answer as final for the batch (no retry): see its sender. */
function isFinalStatus(status: number): boolean {
  return !(status === 429 || status === 503 || status === 408 || status >= 500);
}

/** Per-client state of the React Native layer. */
class ReactNativeLayer {
  client!: BloopClient;
  outbox?: Outbox;
  restored: Promise<number> = Promise.resolve(0);
  private replaying?: { id: string; event: BloopEvent };
  private handlingFatal = false;

  constructor(private readonly userBeforeSend: BloopOptions["beforeSend"]) {}

  /** The client's `beforeSend`: the user's, then the event is recorded for persistence. */
  readonly beforeSend = (event: BloopEvent): BloopEvent | null | undefined | false => {
    const replay = this.replaying;
    const out = replay ? replay.event : this.userBeforeSend ? this.userBeforeSend(event) : event;
    if (!out || !this.outbox) return out;
    // The core serializes exactly this (normalizing twice changes nothing), so this JSON is what
    // a request body will contain.
    const normalized = normalizeEvent(out as BloopEvent & Record<string, unknown>);
    this.outbox.track(replay ? replay.id : newEventId(), JSON.stringify(normalized));
    return normalized;
  };

  /** The client's transport: the real one, then final answers settle the outbox. */
  transport(inner: Transport): Transport {
    return async (request) => {
      const response = await inner(request);
      try {
        if (this.outbox && /\/v1\/ingest\/batch$/.test(request.url) && isFinalStatus(response.status)) {
          this.outbox.settled(request.body);
        }
      } catch (e) {
        this.client.logger.warn(`could not update stored crash events: ${String(e)}`);
      }
      return response;
    };
  }

  /** Queues the events stored by an earlier run again, unchanged; resolves with how many. */
  async restore(): Promise<number> {
    if (!this.outbox) return 0;
    const stored = await this.outbox.load();
    let queued = 0;
    const forget: string[] = [];
    for (const entry of stored) {
      if (this.client.isClosed) break;
      if (this.replay(entry)) queued++;
      else forget.push(entry.id);
    }
    if (forget.length > 0) this.outbox.forget(forget);
    if (queued > 0) this.client.logger.debug(`${queued} events from an earlier run queued again`);
    return queued;
  }

  private replay(entry: StoredEvent): boolean {
    let event: BloopEvent;
    try {
      event = JSON.parse(entry.json) as BloopEvent;
    } catch {
      return false;
    }
    if (!event || typeof event !== "object" || typeof event.error_type !== "string" || typeof event.message !== "string") {
      return false;
    }
    this.replaying = { id: entry.id, event };
    try {
      return this.client.capture(event);
    } finally {
      this.replaying = undefined;
    }
  }

  /**
   * Writes the unsent events to storage and flushes, together, within `shutdownTimeout`; then waits
   * (briefly) for storage to forget what was sent. Never rejects.
   */
  async persistAndFlush(): Promise<void> {
    const client = this.client;
    const deadline = Date.now() + client.options.shutdownTimeout;
    const persisted = this.outbox ? this.outbox.persist() : Promise.resolve();
    const flushed = client.flush(client.options.shutdownTimeout);
    await within(persisted, deadline - Date.now());
    await flushed;
    if (this.outbox) await within(this.outbox.idle(), Math.max(200, deadline - Date.now()));
  }

  /** What the global handler does with an error that reached it. */
  handleGlobalError(error: unknown, isFatal: boolean, previous: GlobalHandler | undefined): void {
    const forward = () => {
      if (typeof previous === "function") previous(error, isFatal);
    };
    const context: EventContext = { metadata: { mechanism: "ErrorUtils", handled: false, fatal: isFatal } };
    try {
      this.client.captureException(error, context);
    } catch {
      // captureException does not throw; nothing of ours may stop the app's own handler
    }
    if (!isFatal) {
      forward();
      return;
    }
    if (this.handlingFatal) return; // a second fatal while the first one is flushed: captured, that is all
    if (isDev()) {
      // Development: the red box at once; the app lives on, so the flush still completes.
      void this.persistAndFlush();
      forward();
      return;
    }
    this.handlingFatal = true;
    void this.persistAndFlush().then(() => {
      this.handlingFatal = false;
      forward();
    });
  }
}

function errorUtilsIntegration(layer: ReactNativeLayer): Integration {
  return {
    name: "ReactNativeErrorHandlers",
    setup(client) {
      const eu = (globalThis as unknown as { ErrorUtils?: ErrorUtilsLike }).ErrorUtils;
      if (!eu || typeof eu.getGlobalHandler !== "function" || typeof eu.setGlobalHandler !== "function") {
        client.logger.debug("no ErrorUtils in this runtime: uncaught errors are not captured");
        return;
      }
      const previous = eu.getGlobalHandler();
      let active = true;
      const handler: GlobalHandler = (error, isFatal) => {
        if (!active) {
          if (typeof previous === "function") previous(error, isFatal);
          return;
        }
        layer.handleGlobalError(error, isFatal === true, previous);
      };
      eu.setGlobalHandler(handler);
      return () => {
        active = false;
        // Restore only if nobody chained after us; otherwise ours stays in their chain, passing through.
        if (eu.getGlobalHandler() === handler) eu.setGlobalHandler(previous);
      };
    },
  };
}

/** React Native's own tracker options (its development warning), when they can be loaded. */
function reactNativeRejectionOptions(): Partial<RejectionTrackerOptions> | undefined {
  try {
    const mod = require("react-native/Libraries/promiseRejectionTrackingOptions") as
      { default?: Partial<RejectionTrackerOptions> } & Partial<RejectionTrackerOptions>;
    return mod.default ?? mod;
  } catch {
    return undefined;
  }
}

function hermesRejectionIntegration(): Integration {
  return {
    name: "HermesPromiseRejections",
    setup(client) {
      const hermes = (globalThis as unknown as { HermesInternal?: HermesLike | null }).HermesInternal;
      if (!hermes || typeof hermes.enablePromiseRejectionTracker !== "function") {
        client.logger.debug("not running on Hermes: unhandled promise rejections are not captured");
        return;
      }
      if (typeof hermes.hasPromise === "function" && !hermes.hasPromise()) {
        client.logger.debug("Promise is not Hermes' own: unhandled promise rejections are not captured");
        return;
      }
      // Hermes keeps one tracker: in development React Native installed its warning, which we keep.
      const rn = isDev() ? reactNativeRejectionOptions() : undefined;
      let active = true;
      hermes.enablePromiseRejectionTracker({
        allRejections: true,
        onUnhandled: (id, rejection) => {
          if (active) {
            client.captureException(rejection, { metadata: { mechanism: "unhandledrejection", handled: false } });
          }
          if (rn && typeof rn.onUnhandled === "function") rn.onUnhandled(id, rejection);
        },
        onHandled: (id) => {
          if (rn && typeof rn.onHandled === "function") rn.onHandled(id);
        },
      });
      // Hermes cannot remove a tracker: after close() ours only passes on to React Native's.
      return () => {
        active = false;
      };
    },
  };
}

function appStateIntegration(layer: ReactNativeLayer): Integration {
  return {
    name: "AppState",
    setup(client) {
      if (!AppState || typeof AppState.addEventListener !== "function") return;
      const subscription = AppState.addEventListener("change", (state) => {
        if (state !== "background") return;
        if (layer.outbox) void layer.outbox.persist();
        client.sendNow();
      });
      return () => {
        if (subscription && typeof subscription.remove === "function") subscription.remove();
      };
    },
  };
}

function jsonBytes(value: unknown): number {
  try {
    return utf8Length(JSON.stringify(value));
  } catch {
    return Infinity;
  }
}

/** Adds the device facts under the event's own metadata, unless that would push it over the cap. */
function deviceMetadataIntegration(): Integration {
  return {
    name: "DeviceMetadata",
    setup(client) {
      const device = deviceMetadata();
      return client.addEventProcessor((event) => {
        const own = event.metadata && typeof event.metadata === "object" ? event.metadata : {};
        const merged = { ...device, ...own };
        if (jsonBytes(merged) > LIMITS.metadataBytes && jsonBytes(own) <= LIMITS.metadataBytes) return event;
        return { ...event, metadata: merged };
      });
    },
  };
}

const layers = new WeakMap<BloopClient, ReactNativeLayer>();

/**
 * Starts bloop in a React Native app and makes it the current client (the module functions use it).
 * Throws a `TypeError` for a missing or invalid option; nothing after that throws into the app.
 */
export function init(options: ReactNativeOptions): BloopClient {
  const maxEvents = options.maxPersistedEvents ?? 30;
  if (options.enabled !== false && (typeof maxEvents !== "number" || !(maxEvents >= 1) || !isFinite(maxEvents))) {
    throw new TypeError(`bloop: maxPersistedEvents must be a positive number, got ${String(maxEvents)}`);
  }
  const layer = new ReactNativeLayer(options.beforeSend);
  const client = new BloopClient({
    source: platformSource(),
    signer: pureSigner,
    ...options,
    beforeSend: layer.beforeSend,
    transport: layer.transport(options.transport ?? fetchTransport()),
  });
  layer.client = client;
  layers.set(client, layer);
  const previous = getClient();
  if (previous && previous !== client) void previous.close();
  setClient(client);
  if (!client.options.enabled) return client;

  if (options.storage !== false) {
    let storage = options.storage;
    if (!storage) {
      storage = asyncStorageIfInstalled();
      if (!storage) {
        client.logger.debug("@react-native-async-storage/async-storage is not installed: unsent events are kept in memory only");
        storage = memoryStorage();
      }
    }
    layer.outbox = new Outbox({
      storage,
      key: options.storageKey || DEFAULT_STORAGE_KEY,
      maxEvents: Math.floor(maxEvents),
      maxBytes: MAX_PERSISTED_BYTES,
      logger: client.logger,
    });
  }

  if (options.deviceMetadata !== false) client.addIntegration(deviceMetadataIntegration());
  if (client.options.autoCapture) {
    client.addIntegration(errorUtilsIntegration(layer));
    if (options.captureUnhandledRejections !== false) client.addIntegration(hermesRejectionIntegration());
  }
  if (options.flushOnBackground !== false) client.addIntegration(appStateIntegration(layer));
  layer.restored = layer.restore().catch((e) => {
    client.logger.warn(`could not queue the stored events: ${String(e)}`);
    return 0;
  });
  return client;
}

/**
 * Resolves once the events stored by an earlier run (a crash, or an app killed in the background)
 * were queued again, with their number. They are then sent like any other event.
 */
export function whenRestored(client: BloopClient | undefined = getClient()): Promise<number> {
  const layer = client && layers.get(client);
  return layer ? layer.restored : Promise.resolve(0);
}

/**
 * Writes the events not sent yet to storage now (what a fatal error and going to the background
 * do); they are sent at the next start unless they are sent before. Resolves when written.
 */
export function persistUnsent(client: BloopClient | undefined = getClient()): Promise<void> {
  const layer = client && layers.get(client);
  return layer && layer.outbox ? layer.outbox.persist() : Promise.resolve();
}

/** Numbers of events held for persistence (tracked unsent, and in storage). */
export function persistenceState(client: BloopClient | undefined = getClient()): { unsent: number; stored: number } {
  const layer = client && layers.get(client);
  return layer && layer.outbox ? layer.outbox.size : { unsent: 0, stored: 0 };
}

/** Records the screen the user is on: sent as `screen` with every later event. */
export function setScreen(name: string | undefined | null, client: BloopClient | undefined = getClient()): void {
  if (!client) return;
  client.setDefaults({ screen: typeof name === "string" && name !== "" ? name : undefined });
}
