/**
 * `@bloop/sdk/browser`: the client for web pages. Signs with `crypto.subtle` (pure JS where it is
 * missing, e.g. a page served over plain http from another host), sends with `fetch(..., {keepalive})`,
 * captures `error` and `unhandledrejection` events, and flushes when the page is hidden or left
 * (`visibilitychange` → hidden, `pagehide`). Stacks are kept exactly as the engine printed them
 * (V8, SpiderMonkey, JavaScriptCore) so the release's uploaded source maps apply on the server.
 *
 * `navigator.sendBeacon` is not used: it cannot carry the `X-Signature` header bloop requires;
 * a keepalive `fetch` can, and survives the page's unload the same way (within ~64 KB in flight).
 */
import { BloopClient, getClient, setClient, type BloopOptions, type Integration } from "../core/client.js";
import { fetchTransport } from "../core/transport.js";

export * from "../index.js";

export interface BrowserOptions extends BloopOptions {
  /** Flush when the page is hidden or left. Default true. */
  flushOnHide?: boolean;
  /** Add the page URL (without query or fragment) to each auto-captured event's metadata. Default true. */
  sendPageUrl?: boolean;
}

interface WindowLike {
  addEventListener(type: string, listener: (e: unknown) => void, options?: unknown): void;
  removeEventListener(type: string, listener: (e: unknown) => void, options?: unknown): void;
  location?: { origin?: string; pathname?: string };
}

function win(): WindowLike | undefined {
  const w = (globalThis as unknown as { window?: WindowLike }).window;
  return w && typeof w.addEventListener === "function" ? w : undefined;
}

function pageUrl(w: WindowLike): string | undefined {
  const l = w.location;
  return l && l.origin && l.pathname !== undefined ? l.origin + l.pathname : undefined;
}

interface ErrorEventLike {
  error?: unknown;
  message?: string;
  filename?: string;
  lineno?: number;
  colno?: number;
}

/** `window` `error` and `unhandledrejection` listeners (added, so nobody else's handler is replaced). */
export function globalHandlersIntegration(options: { sendPageUrl?: boolean } = {}): Integration {
  return {
    name: "globalHandlers",
    setup(client) {
      const w = win();
      if (!w) return;
      const meta = (mechanism: string): Record<string, unknown> => {
        const m: Record<string, unknown> = { unhandled: true, mechanism };
        if (options.sendPageUrl !== false) {
          const url = pageUrl(w);
          if (url) m.url = url;
        }
        return m;
      };
      const onError = (e: unknown) => {
        try {
          const ev = e as ErrorEventLike;
          if (ev.error !== undefined && ev.error !== null) {
            client.captureException(ev.error, { metadata: meta("onerror") });
            return;
          }
          // No error object: a cross-origin "Script error." or an engine that gives only the location.
          const frame = ev.filename ? `    at ${ev.filename}:${ev.lineno ?? 0}:${ev.colno ?? 0}` : undefined;
          client.capture({ error_type: "Error", message: ev.message || "Script error.", stack: frame, metadata: meta("onerror") });
        } catch {
          // never let the SDK raise another error event
        }
      };
      const onRejection = (e: unknown) => {
        try {
          client.captureException((e as { reason?: unknown }).reason, { metadata: meta("onunhandledrejection") });
        } catch {
          // as above
        }
      };
      w.addEventListener("error", onError);
      w.addEventListener("unhandledrejection", onRejection);
      return () => {
        w.removeEventListener("error", onError);
        w.removeEventListener("unhandledrejection", onRejection);
      };
    },
  };
}

/** Sends what is queued when the page is hidden (tab switch, app switch) or left. */
export function flushOnHideIntegration(): Integration {
  return {
    name: "flushOnHide",
    setup(client) {
      const w = win();
      const doc = (globalThis as unknown as { document?: WindowLike & { visibilityState?: string } }).document;
      if (!w) return;
      const onVisibility = () => {
        if (doc && doc.visibilityState === "hidden") client.sendNow();
      };
      const onPageHide = () => client.sendNow();
      if (doc) doc.addEventListener("visibilitychange", onVisibility);
      w.addEventListener("pagehide", onPageHide);
      return () => {
        if (doc) doc.removeEventListener("visibilitychange", onVisibility);
        w.removeEventListener("pagehide", onPageHide);
      };
    },
  };
}

/**
 * Creates the client (source `web`, keepalive fetch), installs the page hooks per the options and
 * makes it the current client. Raises V8's `Error.stackTraceLimit` to 50 (as Sentry does), so deep
 * frameworks still show the app's frames. A second `init` closes the previous client.
 */
export function init(options: BrowserOptions): BloopClient {
  const client = new BloopClient({
    source: "web",
    transport: fetchTransport({ keepalive: true }),
    ...options,
  });
  const previous = getClient();
  if (previous && previous !== client) void previous.close();
  setClient(client);
  if (!client.options.enabled) return client;
  try {
    const E = Error as unknown as { stackTraceLimit?: number };
    if (typeof E.stackTraceLimit === "number" && E.stackTraceLimit < 50) E.stackTraceLimit = 50;
  } catch {
    // a frozen Error: keep its limit
  }
  if (client.options.autoCapture) client.addIntegration(globalHandlersIntegration(options));
  if (options.flushOnHide !== false) client.addIntegration(flushOnHideIntegration());
  return client;
}
