/**
 * Turns anything thrown into an error type, a message and a stack in the runtime's own text format:
 * V8 (`    at fn (file:line:col)`), SpiderMonkey and JavaScriptCore (`fn@file:line:col`) frames are
 * kept exactly as the engine printed them, so the server's grouping and source maps apply. V8's
 * leading "Type: message" line is removed (the stack starts with its frames); causes follow as
 * "Caused by: Type: message" and their frames, as on the JVM.
 */

export interface DescribedError {
  errorType: string;
  message: string;
  stack?: string;
  /** Extra facts worth keeping: a Node `code`, a non-Error value's kind. */
  metadata?: Record<string, unknown>;
}

interface ErrorLike {
  name?: unknown;
  message?: unknown;
  stack?: unknown;
  cause?: unknown;
  code?: unknown;
}

const MAX_CAUSES = 3;

function isErrorLike(v: unknown): v is ErrorLike {
  if (v instanceof Error) return true;
  return typeof v === "object" && v !== null && typeof (v as ErrorLike).message === "string"
    && (typeof (v as ErrorLike).stack === "string" || typeof (v as ErrorLike).name === "string");
}

function nameOf(e: ErrorLike): string {
  return typeof e.name === "string" && e.name.trim() !== "" ? e.name : "Error";
}

function messageOf(e: ErrorLike): string {
  return typeof e.message === "string" ? e.message : "";
}

/** The frames of `e.stack`, without the "Name: message" header V8 puts first. */
export function framesOf(e: ErrorLike): string | undefined {
  if (typeof e.stack !== "string" || e.stack === "") return undefined;
  const stack = e.stack;
  const message = messageOf(e);
  const headers = [message === "" ? nameOf(e) : `${nameOf(e)}: ${message}`];
  try {
    headers.push(String(e));
  } catch {
    // a hostile toString; the name/message header is enough
  }
  for (const header of headers) {
    if (header && stack.startsWith(header)) {
      const rest = stack.slice(header.length);
      if (rest === "") return undefined;
      if (rest[0] === "\n") return rest.slice(1);
    }
  }
  // The message changed after the error was created: V8 frames start at the first "    at " line.
  const v8 = stack.search(/\n\s+at /);
  if (v8 >= 0 && !/^\s+at /.test(stack)) {
    return stack.slice(v8 + 1);
  }
  return stack;
}

function safeString(v: unknown): string {
  try {
    if (typeof v === "string") return v;
    if (typeof v === "object" && v !== null) {
      const json = JSON.stringify(v);
      if (json !== undefined) return json.length > 500 ? json.slice(0, 500) + "..." : json;
    }
    return String(v);
  } catch {
    return Object.prototype.toString.call(v);
  }
}

/** Type, message and stack of a thrown value (an Error or anything else). Never throws. */
export function describeError(value: unknown): DescribedError {
  try {
    if (!isErrorLike(value)) {
      const kind = value === null ? "null" : typeof value;
      const message = kind === "string" ? (value as string) : `Non-Error value thrown (${kind}): ${safeString(value)}`;
      return { errorType: "Error", message, metadata: { non_error: true } };
    }
    const metadata: Record<string, unknown> = {};
    if (typeof value.code === "string" || typeof value.code === "number") metadata.error_code = value.code;
    let stack = framesOf(value);
    let cause = value.cause;
    const seen = new Set<unknown>([value]);
    for (let depth = 0; depth < MAX_CAUSES && cause !== undefined && cause !== null && !seen.has(cause); depth++) {
      seen.add(cause);
      if (isErrorLike(cause)) {
        const header = `Caused by: ${nameOf(cause)}: ${messageOf(cause).split("\n")[0]}`;
        const frames = framesOf(cause);
        stack = (stack ? stack + "\n" : "") + header + (frames ? "\n" + frames : "");
        cause = cause.cause;
      } else {
        stack = (stack ? stack + "\n" : "") + `Caused by: ${safeString(cause)}`;
        break;
      }
    }
    return {
      errorType: nameOf(value),
      message: messageOf(value),
      stack,
      metadata: Object.keys(metadata).length ? metadata : undefined,
    };
  } catch {
    return { errorType: "Error", message: "(an error that could not be described)" };
  }
}
