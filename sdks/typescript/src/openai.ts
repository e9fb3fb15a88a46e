/**
 * `@bloop/sdk/openai`: records the calls of an official `openai` client (v4 to v6) as generation
 * spans — model, token usage, cost (with a price table), latency, time to first token when
 * streaming, and errors — without changing what the client returns (the same `APIPromise`, the same
 * `Stream`). No dependency on `openai`: the client is wrapped in a Proxy.
 *
 *   const openai = wrapOpenAI(new OpenAI(), { client: bloop });
 *   await openai.chat.completions.create({ model: "gpt-4o-mini", messages });  // one trace, one span
 *
 * With `trace`, every call becomes a span of that trace instead of a trace of its own.
 */
import { getClient, type BloopClient } from "./core/client.js";
import type { Span, SpanEnd, Trace, Usage } from "./core/trace.js";

export interface ModelPrice {
  /** Dollars per million input tokens. */
  input: number;
  /** Dollars per million output tokens. */
  output: number;
}

export interface WrapOpenAIOptions {
  /** Where traces go; the current client (from `init`) by default. */
  client?: BloopClient;
  /** Record calls as spans of this trace (or of the trace this function returns at call time). */
  trace?: Trace | (() => Trace | undefined);
  /** Name of the trace made for a call without `trace`. Default `openai.<method>`. */
  traceName?: string;
  sessionId?: string;
  userId?: string;
  /** Provider name on the spans. Default `openai`. */
  provider?: string;
  /** Send prompts and completions (the server still applies its content policy). Default true. */
  captureContent?: boolean;
  /** Prices by model name (exact, else the longest matching prefix) to fill `cost`. */
  pricing?: Record<string, ModelPrice>;
}

type Kind = "chat.completions" | "responses" | "completions" | "embeddings";
const INSTRUMENTED: Record<string, Kind> = {
  "chat.completions.create": "chat.completions",
  "responses.create": "responses",
  "completions.create": "completions",
  "embeddings.create": "embeddings",
};
const PREFIXES = new Set(["chat", "chat.completions", "responses", "completions", "embeddings"]);

/** Cost in dollars of a call, from a price table; undefined when the model is not in it. */
export function costOf(pricing: Record<string, ModelPrice> | undefined, model: string | undefined,
                       inputTokens: number | undefined, outputTokens: number | undefined): number | undefined {
  if (!pricing || !model) return undefined;
  let price = pricing[model];
  if (!price) {
    let best = "";
    for (const k of Object.keys(pricing)) if (model.startsWith(k) && k.length > best.length) best = k;
    if (best) price = pricing[best];
  }
  if (!price) return undefined;
  return ((inputTokens ?? 0) * price.input + (outputTokens ?? 0) * price.output) / 1e6;
}

type Params = Record<string, unknown> & { model?: string; stream?: boolean };
type AnyRecord = Record<string, unknown>;

function inputOf(kind: Kind, p: Params): unknown {
  switch (kind) {
    case "chat.completions":
      return p.messages;
    case "responses":
      return p.instructions !== undefined ? { instructions: p.instructions, input: p.input } : p.input;
    case "completions":
      return p.prompt;
    default:
      return undefined;
  }
}

function outputOf(kind: Kind, r: AnyRecord): unknown {
  if (kind === "chat.completions") {
    const choice = (r.choices as AnyRecord[] | undefined)?.[0];
    const message = choice && (choice.message as AnyRecord | undefined);
    if (!message) return undefined;
    return message.tool_calls ? message : message.content;
  }
  if (kind === "responses") return r.output_text ?? r.output;
  if (kind === "completions") return (r.choices as AnyRecord[] | undefined)?.[0]?.text;
  return undefined;
}

class Call {
  private readonly started = Date.now();
  private readonly span?: Span;
  private readonly ownTrace?: Trace;
  private finished = false;

  constructor(private readonly kind: Kind, private readonly params: Params, private readonly o: WrapOpenAIOptions) {
    const client = o.client ?? getClient();
    let trace = typeof o.trace === "function" ? o.trace() : o.trace;
    const input = o.captureContent === false ? undefined : inputOf(kind, params);
    if (!trace || trace.isEnded) {
      if (!client) return;
      trace = client.startTrace({ name: o.traceName ?? `openai.${kind}.create`, sessionId: o.sessionId, userId: o.userId, input });
      this.ownTrace = trace;
    }
    this.span = trace.generation({
      name: `openai.${kind}.create`,
      model: typeof params.model === "string" ? params.model : undefined,
      provider: o.provider ?? "openai",
      input,
      startedAt: this.started,
      metadata: params.stream ? { stream: true } : undefined,
    });
  }

  finish(end: SpanEnd, model?: string): void {
    if (this.finished || !this.span) return;
    this.finished = true;
    const usage = end.usage as Usage | undefined;
    const m = model ?? (typeof this.params.model === "string" ? this.params.model : undefined);
    const cost = usage ? costOf(this.o.pricing, m, usage.input_tokens ?? usage.prompt_tokens, usage.output_tokens ?? usage.completion_tokens) : undefined;
    const output = this.o.captureContent === false ? undefined : end.output;
    this.span.end({ ...end, output, model: m, cost: end.cost ?? cost });
    if (this.ownTrace) {
      this.ownTrace.end({ output, status: end.error !== undefined || end.errorMessage ? "error" : "completed" });
    }
  }

  fromResponse(r: unknown): void {
    const res = (r ?? {}) as AnyRecord;
    const metadata: AnyRecord = {};
    const choice = (res.choices as AnyRecord[] | undefined)?.[0];
    if (choice && choice.finish_reason) metadata.finish_reason = choice.finish_reason;
    if (typeof res._request_id === "string") metadata.request_id = res._request_id;
    this.finish({
      output: outputOf(this.kind, res),
      usage: res.usage as Usage | undefined,
      metadata: Object.keys(metadata).length ? metadata : undefined,
    }, typeof res.model === "string" ? res.model : undefined);
  }

  fromError(e: unknown): void {
    const status = (e as { status?: unknown } | null)?.status;
    this.finish({ error: e, metadata: typeof status === "number" ? { http_status: status } : undefined });
  }

  /** Patches a `Stream`'s iterator so its chunks are observed as the app reads them. */
  observeStream(stream: AnyRecord): void {
    const original = stream.iterator;
    if (typeof original !== "function") {
      this.finish({ metadata: { stream_not_observed: true } });
      return;
    }
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const call = this;
    stream.iterator = function (this: unknown, ...args: unknown[]) {
      const it = (original as (...a: unknown[]) => AsyncIterator<unknown>).apply(this, args);
      let firstAt: number | undefined;
      let text = "";
      let usage: Usage | undefined;
      let model: string | undefined;
      let finishReason: unknown;
      const complete = (extra: SpanEnd) => {
        const metadata: AnyRecord = { stream: true, ...(extra.metadata ?? {}) };
        if (finishReason) metadata.finish_reason = finishReason;
        call.finish({
          ...extra,
          output: text || undefined,
          usage,
          metadata,
          timeToFirstTokenMs: firstAt !== undefined ? firstAt - call.started : undefined,
        }, model);
      };
      const see = (chunk: unknown) => {
        if (firstAt === undefined) firstAt = Date.now();
        const c = (chunk ?? {}) as AnyRecord;
        if (typeof c.model === "string") model = c.model;
        if (c.usage) usage = c.usage as Usage;
        const choice = (c.choices as AnyRecord[] | undefined)?.[0];
        if (choice) {
          const delta = choice.delta as AnyRecord | undefined;
          if (delta && typeof delta.content === "string") text += delta.content;
          if (typeof choice.text === "string") text += choice.text;
          if (choice.finish_reason) finishReason = choice.finish_reason;
        }
        if (c.type === "response.output_text.delta" && typeof c.delta === "string") text += c.delta;
        const response = c.response as AnyRecord | undefined;
        if ((c.type === "response.completed" || c.type === "response.incomplete") && response) {
          if (response.usage) usage = response.usage as Usage;
          if (typeof response.model === "string") model = response.model;
        }
      };
      const wrapped: AsyncIterator<unknown> & { [Symbol.asyncIterator](): AsyncIterator<unknown> } = {
        async next(...a: [] | [undefined]) {
          let r: IteratorResult<unknown>;
          try {
            r = await it.next(...a);
          } catch (e) {
            complete({ error: e });
            throw e;
          }
          try {
            if (r.done) complete({});
            else see(r.value);
          } catch {
            // observing never breaks the stream
          }
          return r;
        },
        async return(value?: unknown) {
          complete({ metadata: { stream_cancelled: true } });
          return it.return ? it.return(value) : { done: true, value };
        },
        async throw(e?: unknown) {
          complete({ error: e });
          if (it.throw) return it.throw(e);
          throw e;
        },
        [Symbol.asyncIterator]() {
          return this;
        },
      };
      return wrapped;
    };
  }
}

function instrument(kind: Kind, fn: (...a: unknown[]) => unknown, self: object, o: WrapOpenAIOptions) {
  return function instrumented(params: Params, ...rest: unknown[]): unknown {
    const result = fn.call(self, params, ...rest);
    try {
      const call = new Call(kind, (params ?? {}) as Params, o);
      const thenable = result as { then?: (a: (v: unknown) => void, b: (e: unknown) => void) => unknown } | null;
      if (thenable && typeof thenable.then === "function") {
        thenable.then((value) => {
          try {
            if (params && params.stream && value && typeof value === "object") call.observeStream(value as AnyRecord);
            else call.fromResponse(value);
          } catch {
            // the caller's result is what matters
          }
        }, (e) => {
          try {
            call.fromError(e);
          } catch {
            // as above
          }
        });
      } else {
        call.fromResponse(result);
      }
    } catch {
      // recording never changes the call
    }
    return result;
  };
}

function proxyAt<T extends object>(target: T, path: string, o: WrapOpenAIOptions): T {
  const cache = new Map<string, { orig: unknown; out: unknown }>();
  return new Proxy(target, {
    get(t, prop) {
      const value = Reflect.get(t, prop, t) as unknown;
      if (typeof prop !== "string") return value;
      const full = path ? `${path}.${prop}` : prop;
      const cached = cache.get(prop);
      if (cached && cached.orig === value) return cached.out;
      let out: unknown = value;
      if (typeof value === "function" && INSTRUMENTED[full]) {
        out = instrument(INSTRUMENTED[full], value as (...a: unknown[]) => unknown, t, o);
      } else if (value && typeof value === "object" && PREFIXES.has(full)) {
        out = proxyAt(value as object, full, o);
      } else if (typeof value === "function") {
        // Bound to the real object: the client's methods use private fields a Proxy would not have.
        out = (value as (...a: unknown[]) => unknown).bind(t);
      } else {
        return value;
      }
      cache.set(prop, { orig: value, out });
      return out;
    },
  });
}

/** Returns `openai` with its chat, responses, completions and embeddings calls recorded as spans. */
export function wrapOpenAI<T extends object>(openai: T, options: WrapOpenAIOptions = {}): T {
  return proxyAt(openai, "", options);
}
