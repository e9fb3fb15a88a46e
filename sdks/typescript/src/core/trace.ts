/**
 * LLM tracing helpers: a trace (one conversation turn, one agent run) holds spans — generations
 * (model calls with usage and cost), tools, retrievals, custom steps. `trace.end()` queues the trace
 * for `POST /v1/traces/batch` (signed like events). The wire names are snake_case; absent fields are
 * omitted, never sent as null.
 */
import { truncateUtf8, utf8Length } from "./utf8.js";

export type SpanType = "generation" | "tool" | "retrieval" | "custom";
export type TraceStatus = "running" | "completed" | "error";
export type SpanStatus = "ok" | "error";

/** Token usage in any of the usual spellings (ours, OpenAI chat, OpenAI responses/Anthropic). */
export interface Usage {
  inputTokens?: number;
  outputTokens?: number;
  input_tokens?: number;
  output_tokens?: number;
  prompt_tokens?: number;
  completion_tokens?: number;
}

export interface SpanOptions {
  id?: string;
  name?: string;
  type?: SpanType;
  model?: string;
  provider?: string;
  usage?: Usage;
  /** Dollars. */
  cost?: number;
  input?: unknown;
  output?: unknown;
  metadata?: Record<string, unknown>;
  /** Epoch ms; default now. */
  startedAt?: number;
  /** Epoch ms. Given (or `latencyMs` given), the span is recorded as already finished. */
  endedAt?: number;
  latencyMs?: number;
  timeToFirstTokenMs?: number;
  status?: SpanStatus;
  errorMessage?: string;
}

export type GenerationOptions = Omit<SpanOptions, "type">;

export interface SpanEnd {
  output?: unknown;
  usage?: Usage;
  cost?: number;
  model?: string;
  metadata?: Record<string, unknown>;
  status?: SpanStatus;
  errorMessage?: string;
  /** An error makes the span `error` with its message. */
  error?: unknown;
  endedAt?: number;
  latencyMs?: number;
  timeToFirstTokenMs?: number;
}

export interface TraceOptions {
  id?: string;
  name?: string;
  sessionId?: string;
  userId?: string;
  input?: unknown;
  metadata?: Record<string, unknown>;
  startedAt?: number;
}

export interface TraceEnd {
  status?: TraceStatus;
  output?: unknown;
  metadata?: Record<string, unknown>;
  endedAt?: number;
  /** An error makes the trace `error`. */
  error?: unknown;
}

export interface WireSpan {
  id: string;
  parent_span_id?: string;
  span_type: SpanType;
  name?: string;
  model?: string;
  provider?: string;
  input_tokens?: number;
  output_tokens?: number;
  cost?: number;
  latency_ms?: number;
  time_to_first_token_ms?: number;
  status?: SpanStatus;
  error_message?: string;
  input?: unknown;
  output?: unknown;
  metadata?: Record<string, unknown>;
  started_at?: number;
  ended_at?: number;
}

export interface WireTrace {
  id: string;
  session_id?: string;
  user_id?: string;
  name?: string;
  status: TraceStatus;
  input?: unknown;
  output?: unknown;
  metadata?: Record<string, unknown>;
  started_at?: number;
  ended_at?: number;
  spans: WireSpan[];
}

export const MAX_SPANS = 100;
const MAX_ID = 128;

/** Random lower-hex id of `bytes` bytes (crypto.getRandomValues when present). */
export function randomId(bytes = 16): string {
  const buf = new Uint8Array(bytes);
  const c = (globalThis as unknown as { crypto?: { getRandomValues?: (a: Uint8Array) => Uint8Array } }).crypto;
  if (c && typeof c.getRandomValues === "function") {
    c.getRandomValues(buf);
  } else {
    for (let i = 0; i < bytes; i++) buf[i] = Math.floor(Math.random() * 256);
  }
  let s = "";
  for (let i = 0; i < bytes; i++) s += (buf[i] < 16 ? "0" : "") + buf[i].toString(16);
  return s;
}

function tokens(usage: Usage | undefined): { input?: number; output?: number } {
  if (!usage) return {};
  const pick = (...vals: Array<number | undefined>) => {
    for (const v of vals) if (typeof v === "number" && isFinite(v) && v >= 0) return Math.round(v);
    return undefined;
  };
  return {
    input: pick(usage.inputTokens, usage.input_tokens, usage.prompt_tokens),
    output: pick(usage.outputTokens, usage.output_tokens, usage.completion_tokens),
  };
}

function errorMessageOf(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  if (typeof error === "string") return error;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}

/** Caps prompt/completion content: a string by UTF-8 bytes, anything else by its JSON size. */
export function capContent(value: unknown, maxBytes: number): unknown {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") return truncateUtf8(value, maxBytes);
  try {
    const json = JSON.stringify(value);
    if (json === undefined) return undefined;
    return utf8Length(json) <= maxBytes ? value : truncateUtf8(json, maxBytes);
  } catch {
    return "(not serializable)";
  }
}

function put<T extends object, K extends keyof T>(o: T, k: K, v: T[K] | undefined | null): void {
  if (v !== undefined && v !== null && !(typeof v === "number" && !isFinite(v))) o[k] = v;
}

export class Span {
  readonly id: string;
  private readonly wire: WireSpan;
  private ended = false;

  /** @internal use `trace.span()` / `trace.generation()` */
  constructor(private readonly trace: Trace, options: SpanOptions, parentSpanId: string | undefined,
              private readonly contentBytes: number) {
    this.id = (options.id ?? randomId(8)).slice(0, MAX_ID);
    const startedAt = options.startedAt ?? Date.now();
    this.wire = { id: this.id, span_type: options.type ?? "custom", started_at: startedAt };
    put(this.wire, "parent_span_id", parentSpanId);
    put(this.wire, "name", options.name);
    put(this.wire, "model", options.model);
    put(this.wire, "provider", options.provider);
    put(this.wire, "input", capContent(options.input, contentBytes));
    put(this.wire, "metadata", options.metadata);
    if (options.endedAt !== undefined || options.latencyMs !== undefined) {
      this.end({
        output: options.output, usage: options.usage, cost: options.cost, status: options.status,
        errorMessage: options.errorMessage, endedAt: options.endedAt, latencyMs: options.latencyMs,
        timeToFirstTokenMs: options.timeToFirstTokenMs,
      });
    } else {
      this.apply({
        output: options.output, usage: options.usage, cost: options.cost, status: options.status,
        errorMessage: options.errorMessage, timeToFirstTokenMs: options.timeToFirstTokenMs,
      });
    }
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** A generation span under this one. */
  generation(options: GenerationOptions): Span {
    return this.trace.addSpan({ ...options, type: "generation" }, this.id);
  }

  /** A child span (type `custom` unless given). */
  span(options: SpanOptions): Span {
    return this.trace.addSpan(options, this.id);
  }

  /** Changes fields of a running span (output, usage, metadata, ...). */
  update(update: SpanEnd): this {
    this.apply(update);
    return this;
  }

  /** Finishes the span: `ended_at`, `latency_ms` and status (`ok` unless an error was given). */
  end(update: SpanEnd = {}): this {
    if (this.ended) return this;
    this.apply(update);
    const startedAt = this.wire.started_at ?? Date.now();
    let endedAt = update.endedAt;
    if (endedAt === undefined) endedAt = update.latencyMs !== undefined ? startedAt + update.latencyMs : Date.now();
    this.wire.ended_at = endedAt;
    this.wire.latency_ms = Math.max(0, Math.round(update.latencyMs ?? endedAt - startedAt));
    if (!this.wire.status) this.wire.status = "ok";
    this.ended = true;
    return this;
  }

  /** @internal */
  toWire(): WireSpan {
    return { ...this.wire };
  }

  private apply(u: SpanEnd): void {
    const w = this.wire;
    if (u.output !== undefined) put(w, "output", capContent(u.output, this.contentBytes));
    const t = tokens(u.usage);
    put(w, "input_tokens", t.input);
    put(w, "output_tokens", t.output);
    put(w, "cost", u.cost);
    put(w, "model", u.model);
    if (u.metadata) w.metadata = { ...(w.metadata ?? {}), ...u.metadata };
    if (u.timeToFirstTokenMs !== undefined) put(w, "time_to_first_token_ms", Math.max(0, Math.round(u.timeToFirstTokenMs)));
    if (u.error !== undefined) {
      w.status = "error";
      w.error_message = truncateUtf8(errorMessageOf(u.error), 2048);
    }
    if (u.errorMessage !== undefined) {
      w.status = "error";
      w.error_message = truncateUtf8(u.errorMessage, 2048);
    }
    if (u.status !== undefined) w.status = u.status;
  }
}

export class Trace {
  readonly id: string;
  private readonly wire: Omit<WireTrace, "spans" | "status">;
  private readonly spans: Span[] = [];
  private droppedSpans = 0;
  private ended = false;

  /** @internal use `client.startTrace()` */
  constructor(options: TraceOptions, private readonly sink: (trace: WireTrace) => boolean,
              private readonly contentBytes: number) {
    this.id = (options.id ?? randomId(16)).slice(0, MAX_ID);
    this.wire = { id: this.id, started_at: options.startedAt ?? Date.now() };
    put(this.wire, "name", options.name);
    put(this.wire, "session_id", options.sessionId);
    put(this.wire, "user_id", options.userId);
    put(this.wire, "input", capContent(options.input, contentBytes));
    put(this.wire, "metadata", options.metadata);
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** A span (type `custom` unless given) at the top of the trace. */
  span(options: SpanOptions): Span {
    return this.addSpan(options, undefined);
  }

  /**
   * A generation (a model call): `{model, provider, usage, cost, input, output, ...}`. With `endedAt`
   * or `latencyMs` it is recorded as finished; otherwise call `.end({...})` on the returned span.
   */
  generation(options: GenerationOptions): Span {
    return this.addSpan({ ...options, type: "generation" }, undefined);
  }

  /** @internal */
  addSpan(options: SpanOptions, parentSpanId: string | undefined): Span {
    const span = new Span(this, options, parentSpanId, this.contentBytes);
    if (this.ended) return span;
    if (this.spans.length >= MAX_SPANS) this.droppedSpans++;
    else this.spans.push(span);
    return span;
  }

  update(update: { input?: unknown; output?: unknown; metadata?: Record<string, unknown>; name?: string }): this {
    if (update.input !== undefined) put(this.wire, "input", capContent(update.input, this.contentBytes));
    if (update.output !== undefined) put(this.wire, "output", capContent(update.output, this.contentBytes));
    if (update.name !== undefined) this.wire.name = update.name;
    if (update.metadata) this.wire.metadata = { ...(this.wire.metadata ?? {}), ...update.metadata };
    return this;
  }

  /**
   * Finishes the trace (status `completed`, or `error` when an error is given) and queues it. Spans
   * still open are ended now. Idempotent; returns whether the trace was queued.
   */
  end(end: TraceEnd = {}): boolean {
    if (this.ended) return false;
    this.ended = true;
    const endedAt = end.endedAt ?? Date.now();
    for (const s of this.spans) {
      if (!s.isEnded) s.end({ endedAt, metadata: { ended_with_trace: true } });
    }
    if (end.output !== undefined) put(this.wire, "output", capContent(end.output, this.contentBytes));
    let metadata = this.wire.metadata;
    if (end.metadata) metadata = { ...(metadata ?? {}), ...end.metadata };
    if (this.droppedSpans > 0) metadata = { ...(metadata ?? {}), bloop_spans_dropped: this.droppedSpans };
    if (end.error !== undefined) metadata = { ...(metadata ?? {}), error_message: errorMessageOf(end.error) };
    const status: TraceStatus = end.status ?? (end.error !== undefined ? "error" : "completed");
    const wire: WireTrace = { ...this.wire, status, ended_at: endedAt, spans: this.spans.map((s) => s.toWire()) };
    if (metadata) wire.metadata = metadata;
    try {
      return this.sink(wire);
    } catch {
      return false;
    }
  }
}
