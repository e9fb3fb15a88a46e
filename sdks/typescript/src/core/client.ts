/**
 * The platform-neutral client: options, event building (defaults, processors, `beforeSend`, caps),
 * the queues and senders, flush/close, integrations (global hooks installed and uninstalled through
 * one API) and LLM traces. `@bloop/sdk/node`, `@bloop/sdk/browser` and the React Native SDK build
 * on it; see CORE.md.
 */
import { describeError } from "./errors.js";
import { LIMITS, contextToFields, normalizeEvent, type BloopEvent, type EventContext } from "./event.js";
import { BatchSender, type Logger } from "./sender.js";
import { defaultSigner, type Signer } from "./signer.js";
import { Trace, type TraceOptions, type WireTrace } from "./trace.js";
import { fetchTransport, type Transport } from "./transport.js";

export interface BloopOptions {
  /** The server's base URL, e.g. `https://bloop.example.com`. */
  endpoint: string;
  /** The HMAC key: the project's ingest secret (the server's `auth.hmac_secret` for the default project). */
  secret: string;
  /** The project's public ingest key (`X-Project-Key`); leave unset for the default project. */
  projectKey?: string;
  environment: string;
  release: string;
  /** `[a-z0-9_-]{1,32}`; the platform entry points set `node` or `web`. Default `javascript`. */
  source?: string;
  appVersion?: string;
  buildNumber?: string;
  /** Milliseconds a partial batch may wait. Default 2000. */
  flushInterval?: number;
  /** Events held while the server is slow or away; past it the oldest are dropped. Default 1000. */
  maxQueueSize?: number;
  /** Events per request, 1 to 50. Default 50. */
  maxBatchSize?: number;
  /** Milliseconds `close()` and the exit hooks wait for the queue to drain. Default 2000. */
  shutdownTimeout?: number;
  /** Milliseconds one request may take. Default 10000. */
  requestTimeout?: number;
  /** Install the runtime's global error hooks (platform entry points). Default true. */
  autoCapture?: boolean;
  /** Last look at each event: return it (changed or not) to send it, `null`/`false` to drop it. */
  beforeSend?: (event: BloopEvent) => BloopEvent | null | undefined | false;
  /** Fields added to every event (e.g. `screen`, `appVersion`); see also `setDefaults`. */
  defaults?: EventContext;
  /** First wait after a network error or 5xx, doubled each time (with jitter). Default 1000. */
  minBackoff?: number;
  /** Longest wait between retries after network errors/5xx. Default 60000. */
  maxBackoff?: number;
  /** Wait after a 429/503 that has no `Retry-After`. Default 60000. */
  defaultRetryAfter?: number;
  /** HMAC-SHA256 signer; default `crypto.subtle` when present, else pure JS (Node entry: `node:crypto`). */
  signer?: Signer;
  /** How a signed body is posted; default: the global `fetch`. */
  transport?: Transport;
  /** Where the SDK's own problems are reported; `false` for silence. Default: `console`, prefixed `[bloop]`. */
  logger?: Partial<Logger> | false;
  /** Also log debug lines (each retry, each repeated refusal). Default false. */
  debug?: boolean;
  /** `false` turns the client into a no-op (no validation, nothing sent). Default true. */
  enabled?: boolean;
  /** Finished LLM traces held for sending. Default 100. */
  maxTraceQueueSize?: number;
  /** Per-field cap (UTF-8 bytes) on trace/span `input` and `output`. Default 8192. */
  maxTraceContentBytes?: number;
}

export interface ResolvedOptions {
  endpoint: string;
  secret: string;
  projectKey?: string;
  environment: string;
  release: string;
  source: string;
  appVersion?: string;
  buildNumber?: string;
  flushInterval: number;
  maxQueueSize: number;
  maxBatchSize: number;
  shutdownTimeout: number;
  requestTimeout: number;
  autoCapture: boolean;
  enabled: boolean;
}

/** A global hook or other add-on: `setup` installs it and returns what uninstalls it. */
export interface Integration {
  name: string;
  setup(client: BloopClient): void | (() => void);
}

/** Runs on every event before `beforeSend`; returns the event (changed or not) or null to drop it. */
export type EventProcessor = (event: BloopEvent) => BloopEvent | null | undefined;

export interface ClientStats {
  /** Events waiting to be sent. */
  pending: number;
  /** Events the server accepted. */
  sent: number;
  /** Events in batches the server refused (4xx other than 429): not retried. */
  refused: number;
  /** Events dropped: queue overflow (oldest first), too large, closed client, unsendable. */
  dropped: number;
  /** Events dropped by `beforeSend` or an event processor. */
  filtered: number;
  /** LLM traces waiting / sent / dropped. */
  tracesPending: number;
  tracesSent: number;
  tracesDropped: number;
}

const SOURCE = /^[a-z0-9_-]{1,32}$/;

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !(value > 0) || !isFinite(value)) {
    throw new TypeError(`bloop: ${name} must be a positive number of milliseconds/items, got ${String(value)}`);
  }
  return value;
}

function consoleLogger(debug: boolean, base: Partial<Logger> | false | undefined): Logger {
  if (base === false) return { debug() {}, warn() {}, error() {} };
  const c = (globalThis as unknown as { console?: Partial<Record<"debug" | "warn" | "error", (m: string) => void>> }).console;
  const pick = (level: "debug" | "warn" | "error") => {
    const own = base && base[level];
    if (own) return (m: string) => own.call(base, m);
    const fn = c && (c[level] ?? c.warn);
    return (m: string) => {
      if (fn) fn.call(c, `[bloop] ${m}`);
    };
  };
  const d = pick("debug");
  return { debug: debug ? d : () => {}, warn: pick("warn"), error: pick("error") };
}

export class BloopClient {
  readonly options: ResolvedOptions;
  readonly logger: Logger;
  private readonly events: BatchSender;
  private readonly traces: BatchSender;
  private readonly beforeSend?: BloopOptions["beforeSend"];
  private readonly processors: EventProcessor[] = [];
  private readonly integrations: Array<{ integration: Integration; teardown?: () => void }> = [];
  private readonly captured = new WeakSet<object>();
  private readonly traceContentBytes: number;
  private defaults: EventContext = {};
  private closing = false;
  private closePromise?: Promise<boolean>;
  private filtered = 0;

  constructor(options: BloopOptions) {
    const enabled = options.enabled !== false;
    const endpoint = String(options.endpoint ?? "").replace(/\/+$/, "");
    if (enabled) {
      if (!/^https?:\/\/[^/]/i.test(endpoint)) throw new TypeError(`bloop: endpoint must be an http(s) URL, got ${String(options.endpoint)}`);
      for (const field of ["secret", "environment", "release"] as const) {
        const v = options[field];
        if (typeof v !== "string" || v.trim() === "") throw new TypeError(`bloop: ${field} is required`);
      }
    }
    const source = options.source ?? "javascript";
    if (enabled && !SOURCE.test(source)) throw new TypeError(`bloop: source must match [a-z0-9_-]{1,32}, got ${source}`);
    const maxBatchSize = positive("maxBatchSize", options.maxBatchSize, LIMITS.batchEvents);
    if (maxBatchSize > LIMITS.batchEvents || !Number.isInteger(maxBatchSize)) {
      throw new TypeError(`bloop: maxBatchSize must be an integer from 1 to ${LIMITS.batchEvents}`);
    }
    this.options = {
      endpoint,
      secret: options.secret,
      projectKey: options.projectKey || undefined,
      environment: options.environment,
      release: options.release,
      source,
      appVersion: options.appVersion,
      buildNumber: options.buildNumber,
      flushInterval: positive("flushInterval", options.flushInterval, 2000),
      maxQueueSize: Math.floor(positive("maxQueueSize", options.maxQueueSize, 1000)),
      maxBatchSize,
      shutdownTimeout: positive("shutdownTimeout", options.shutdownTimeout, 2000),
      requestTimeout: positive("requestTimeout", options.requestTimeout, 10000),
      autoCapture: options.autoCapture !== false,
      enabled,
    };
    this.logger = consoleLogger(options.debug === true, options.logger);
    this.beforeSend = options.beforeSend;
    this.traceContentBytes = positive("maxTraceContentBytes", options.maxTraceContentBytes, 8192);
    if (options.defaults) this.setDefaults(options.defaults);
    const common = {
      secret: options.secret,
      projectKey: this.options.projectKey,
      signer: options.signer ?? defaultSigner(),
      transport: options.transport ?? fetchTransport(),
      requestTimeout: this.options.requestTimeout,
      flushInterval: this.options.flushInterval,
      minBackoff: positive("minBackoff", options.minBackoff, 1000),
      maxBackoff: positive("maxBackoff", options.maxBackoff, 60000),
      defaultRetryAfter: positive("defaultRetryAfter", options.defaultRetryAfter, 60000),
      logger: this.logger,
    };
    this.events = new BatchSender({
      ...common,
      url: `${endpoint}/v1/ingest/batch`,
      envelopeKey: "events",
      maxItems: maxBatchSize,
      maxBodyBytes: LIMITS.bodyBytes,
      capacity: this.options.maxQueueSize,
    });
    this.traces = new BatchSender({
      ...common,
      url: `${endpoint}/v1/traces/batch`,
      envelopeKey: "traces",
      maxItems: 50,
      maxBodyBytes: 262144,
      capacity: Math.floor(positive("maxTraceQueueSize", options.maxTraceQueueSize, 100)),
    });
  }

  /** True once `close()` was called: captures are no-ops from then on. */
  get isClosed(): boolean {
    return this.closing;
  }

  /** Events waiting to be sent. */
  get pendingEvents(): number {
    return this.events.pending;
  }

  /** Events dropped (queue overflow, too large, closed client, unsendable), not counting `beforeSend`. */
  get droppedEvents(): number {
    return this.events.queue.dropped;
  }

  stats(): ClientStats {
    return {
      pending: this.events.pending,
      sent: this.events.sent,
      refused: this.events.refused,
      dropped: this.events.queue.dropped,
      filtered: this.filtered,
      tracesPending: this.traces.pending,
      tracesSent: this.traces.sent,
      tracesDropped: this.traces.queue.dropped,
    };
  }

  /**
   * Reports a thrown value (an Error or anything else): its type, message and stack, plus `context`.
   * Never throws, never blocks; returns whether the event was queued. The same Error object is
   * reported once (a middleware and a global hook seeing the same error make one event).
   */
  captureException(error: unknown, context?: EventContext): boolean {
    if (this.closing || !this.options.enabled) return this.refuseClosed();
    try {
      if (typeof error === "object" && error !== null) {
        if (this.captured.has(error)) return false;
        this.captured.add(error);
      }
      const d = describeError(error);
      const fields: Partial<BloopEvent> = { error_type: d.errorType, message: d.message };
      if (d.stack) fields.stack = d.stack;
      if (d.metadata) fields.metadata = d.metadata;
      return this.enqueueEvent(fields, context);
    } catch (e) {
      return this.internalError(e);
    }
  }

  /** Whether this Error object was already reported by this client. */
  wasCaptured(error: unknown): boolean {
    return typeof error === "object" && error !== null && this.captured.has(error);
  }

  /**
   * Reports an error without an exception. `captureMessage(message)` uses the error type `Message`;
   * `captureMessage(errorType, message, context?)` sets both.
   */
  captureMessage(message: string, context?: EventContext): boolean;
  captureMessage(errorType: string, message: string, context?: EventContext): boolean;
  captureMessage(a: string, b?: string | EventContext, c?: EventContext): boolean {
    if (this.closing || !this.options.enabled) return this.refuseClosed();
    try {
      if (typeof b === "string") return this.enqueueEvent({ error_type: a, message: b }, c);
      return this.enqueueEvent({ error_type: "Message", message: a }, b);
    } catch (e) {
      return this.internalError(e);
    }
  }

  /**
   * Reports a fully built event (wire fields). Missing `timestamp`, `source`, `environment` and
   * `release` take the client's; the defaults apply under it.
   */
  capture(event: Partial<BloopEvent> & Pick<BloopEvent, "error_type" | "message">): boolean {
    if (this.closing || !this.options.enabled) return this.refuseClosed();
    try {
      return this.enqueueEvent({ ...event });
    } catch (e) {
      return this.internalError(e);
    }
  }

  /**
   * Fields added to every later event (camelCase, as a capture's context), merged over the current
   * defaults; a field set to `undefined` is removed. E.g. `setDefaults({screen: 'Checkout'})`.
   */
  setDefaults(ctx: EventContext): void {
    const next: Record<string, unknown> = { ...this.defaults };
    for (const [k, v] of Object.entries(ctx)) {
      if (v === undefined) delete next[k];
      else next[k] = v;
    }
    this.defaults = next as EventContext;
  }

  getDefaults(): EventContext {
    return { ...this.defaults };
  }

  /** Adds a processor run on every event before `beforeSend`; returns what removes it. */
  addEventProcessor(processor: EventProcessor): () => void {
    this.processors.push(processor);
    return () => {
      const i = this.processors.indexOf(processor);
      if (i >= 0) this.processors.splice(i, 1);
    };
  }

  /**
   * Installs an integration (a global hook) now; `close()` uninstalls every integration in reverse
   * order. Returns what uninstalls this one earlier. A failing `setup` is logged, not thrown.
   */
  addIntegration(integration: Integration): () => void {
    if (this.closing) return () => {};
    let teardown: void | (() => void);
    try {
      teardown = integration.setup(this);
    } catch (e) {
      this.logger.error(`integration ${integration.name} failed to install: ${String(e)}`);
      return () => {};
    }
    const entry = { integration, teardown: teardown || undefined };
    this.integrations.push(entry);
    return () => this.removeIntegration(entry);
  }

  getIntegration(name: string): Integration | undefined {
    const e = this.integrations.find((x) => x.integration.name === name);
    return e && e.integration;
  }

  /**
   * Sends everything captured before this call (events and traces), waiting at most `timeout` ms
   * (default `shutdownTimeout`). Resolves true when all of it left (sent, or refused by the server,
   * or dropped), false on timeout. Never rejects.
   */
  flush(timeout: number = this.options.shutdownTimeout): Promise<boolean> {
    return Promise.all([this.events.flush(timeout), this.traces.flush(timeout)])
      .then(([a, b]) => a && b, () => false);
  }

  /**
   * Uninstalls the integrations, flushes within `timeout` (default `shutdownTimeout`), stops the
   * timers and gives up what is left (counted as dropped). Later captures are no-ops. Idempotent.
   */
  close(timeout: number = this.options.shutdownTimeout): Promise<boolean> {
    if (this.closePromise) return this.closePromise;
    this.closing = true;
    for (const entry of this.integrations.slice().reverse()) this.removeIntegration(entry);
    this.closePromise = this.flush(timeout).then((drained) => {
      this.events.stop();
      this.traces.stop();
      const lost = this.events.abandon() + this.traces.abandon();
      if (lost > 0) this.logger.warn(`${lost} events/traces not sent within ${timeout} ms of close`);
      return drained;
    });
    return this.closePromise;
  }

  /** Starts an LLM trace; `trace.end()` queues it for `POST /v1/traces/batch`. */
  startTrace(options: TraceOptions = {}): Trace {
    return new Trace(options, (t) => this.enqueueTrace(t), this.traceContentBytes);
  }

  /** Queues a finished trace in wire form (what `Trace.end()` does). */
  enqueueTrace(trace: WireTrace): boolean {
    if (this.closing || !this.options.enabled) return false;
    try {
      return this.traces.enqueue(JSON.stringify(trace));
    } catch (e) {
      this.logger.warn(`could not serialize a trace: ${String(e)}`);
      return false;
    }
  }

  /**
   * Sends what is queued right now, without waiting: for a page being hidden or left, an app going to
   * the background, a process about to be handled by the app. The first batches go out synchronously
   * (signed synchronously), so they leave even if no later task runs.
   */
  sendNow(): void {
    try {
      this.events.sendUrgently();
      this.traces.sendUrgently();
    } catch (e) {
      this.logger.warn(`could not send now: ${String(e)}`);
    }
  }

  private removeIntegration(entry: { integration: Integration; teardown?: () => void }): void {
    const i = this.integrations.indexOf(entry);
    if (i < 0) return;
    this.integrations.splice(i, 1);
    try {
      if (entry.teardown) entry.teardown();
    } catch (e) {
      this.logger.error(`integration ${entry.integration.name} failed to uninstall: ${String(e)}`);
    }
  }

  private enqueueEvent(fields: Partial<BloopEvent>, context?: EventContext): boolean {
    const o = this.options;
    const defaults = contextToFields(this.defaults);
    const ctx = contextToFields(context);
    const metadata = mergeMetadata(defaults.metadata, fields.metadata, ctx.metadata);
    let event: BloopEvent | null | undefined | false = {
      timestamp: Date.now(),
      source: o.source,
      environment: o.environment,
      release: o.release,
      ...(o.appVersion !== undefined ? { app_version: o.appVersion } : {}),
      ...(o.buildNumber !== undefined ? { build_number: o.buildNumber } : {}),
      ...defaults,
      ...stripUndefined(fields),
      ...ctx,
      error_type: fields.error_type as string,
      message: fields.message as string,
    };
    if (metadata) event.metadata = metadata;
    else delete event.metadata;
    for (const p of this.processors) {
      event = p(event);
      if (!event) return this.filter();
    }
    if (this.beforeSend) {
      event = this.beforeSend(event);
      if (!event) return this.filter();
    }
    const json = JSON.stringify(normalizeEvent(event as BloopEvent & Record<string, unknown>));
    return this.events.enqueue(json);
  }

  private filter(): boolean {
    this.filtered++;
    return false;
  }

  private refuseClosed(): boolean {
    if (this.options.enabled) this.events.queue.dropped++;
    return false;
  }

  private internalError(e: unknown): boolean {
    this.events.queue.dropped++;
    this.logger.warn(`could not capture an event: ${String(e)}`);
    return false;
  }
}

function stripUndefined<T extends object>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out as T;
}

function mergeMetadata(...parts: Array<Record<string, unknown> | undefined>): Record<string, unknown> | undefined {
  let out: Record<string, unknown> | undefined;
  for (const p of parts) {
    if (p === undefined || p === null) continue;
    if (typeof p !== "object" || Array.isArray(p)) {
      out = { ...(out ?? {}), value: p };
      continue;
    }
    out = { ...(out ?? {}), ...p };
  }
  return out;
}

let current: BloopClient | undefined;

/** The client that the module-level functions use (set by `init`). */
export function getClient(): BloopClient | undefined {
  return current;
}

export function setClient(client: BloopClient | undefined): void {
  current = client;
}

/** `captureException` on the current client; a no-op before `init`. */
export function captureException(error: unknown, context?: EventContext): boolean {
  return current ? current.captureException(error, context) : false;
}

export function captureMessage(message: string, context?: EventContext): boolean;
export function captureMessage(errorType: string, message: string, context?: EventContext): boolean;
export function captureMessage(a: string, b?: string | EventContext, c?: EventContext): boolean {
  if (!current) return false;
  return typeof b === "string" ? current.captureMessage(a, b, c) : current.captureMessage(a, b);
}

export function capture(event: Partial<BloopEvent> & Pick<BloopEvent, "error_type" | "message">): boolean {
  return current ? current.capture(event) : false;
}

export function flush(timeout?: number): Promise<boolean> {
  return current ? current.flush(timeout) : Promise.resolve(true);
}

export function close(timeout?: number): Promise<boolean> {
  const c = current;
  if (!c) return Promise.resolve(true);
  current = undefined;
  return c.close(timeout);
}

export function startTrace(options?: TraceOptions): Trace {
  if (current) return current.startTrace(options);
  return new Trace(options ?? {}, () => false, 8192);
}

export function setDefaults(ctx: EventContext): void {
  if (current) current.setDefaults(ctx);
}
