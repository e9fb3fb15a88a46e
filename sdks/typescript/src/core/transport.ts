/**
 * The HTTP side of sending: a {@link Transport} posts one signed body and reports the status. The
 * default one uses the global `fetch` (Node 18+, browsers, React Native); tests and unusual
 * runtimes can pass their own.
 */

export interface TransportRequest {
  url: string;
  /** The JSON body; it must go out as exactly its UTF-8 bytes (which were signed). */
  body: string;
  /** UTF-8 length of `body`. */
  bodyBytes: number;
  headers: Record<string, string>;
  timeoutMs: number;
}

export interface TransportResponse {
  status: number;
  /** The `Retry-After` header, when present. */
  retryAfter?: string | null;
  /** The response text (may be cut short). */
  body?: string;
}

/** Resolves with the server's answer, or rejects on a network error or timeout. */
export type Transport = (request: TransportRequest) => Promise<TransportResponse>;

type FetchLike = (input: string, init: Record<string, unknown>) => Promise<{
  status: number;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}>;

export interface FetchTransportOptions {
  /** A `fetch` implementation; the global one by default (looked up at each call). */
  fetch?: FetchLike;
  /**
   * Send with `keepalive: true` (browsers), so a request started while the page is being hidden or
   * unloaded still completes. Browsers allow about 64 KB of keepalive bodies in flight; past that
   * (or 15 requests) the request goes without keepalive, as Sentry's browser transport does.
   */
  keepalive?: boolean;
}

const KEEPALIVE_BYTES = 60000;
const KEEPALIVE_REQUESTS = 15;

export function fetchTransport(options: FetchTransportOptions = {}): Transport {
  let keepaliveBytes = 0;
  let keepaliveRequests = 0;
  return async (req) => {
    const f = options.fetch ?? ((globalThis as unknown as { fetch?: FetchLike }).fetch);
    if (typeof f !== "function") throw new Error("no fetch in this runtime: pass a transport");
    const useKeepalive = options.keepalive === true && keepaliveBytes + req.bodyBytes <= KEEPALIVE_BYTES
      && keepaliveRequests < KEEPALIVE_REQUESTS;
    const AC = (globalThis as unknown as { AbortController?: new () => { signal: unknown; abort(): void } }).AbortController;
    const controller = AC ? new AC() : undefined;
    const timer = setTimeout(() => controller && controller.abort(), req.timeoutMs);
    unrefTimer(timer);
    if (useKeepalive) {
      keepaliveBytes += req.bodyBytes;
      keepaliveRequests++;
    }
    try {
      const init: Record<string, unknown> = { method: "POST", headers: req.headers, body: req.body };
      if (controller) init.signal = controller.signal;
      if (useKeepalive) init.keepalive = true;
      const res = await f(req.url, init);
      let body = "";
      try {
        body = await res.text();
      } catch {
        // the status is what matters
      }
      return { status: res.status, retryAfter: res.headers.get("retry-after"), body: body.slice(0, 2000) };
    } finally {
      clearTimeout(timer);
      if (useKeepalive) {
        keepaliveBytes -= req.bodyBytes;
        keepaliveRequests--;
      }
    }
  };
}

/** Lets a Node timer not keep the process alive; a no-op elsewhere. */
export function unrefTimer(timer: unknown): void {
  const t = timer as { unref?: () => void } | null;
  if (t && typeof t.unref === "function") t.unref();
}

/**
 * Milliseconds to wait from a `Retry-After` value (delay-seconds or an HTTP date), or `fallbackMs`
 * when it is absent or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, fallbackMs: number, now: number = Date.now()): number {
  if (value === null || value === undefined || value.trim() === "") return fallbackMs;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(parseFloat(v) * 1000);
  const date = Date.parse(v);
  if (!isNaN(date)) return Math.max(0, date - now);
  return fallbackMs;
}
