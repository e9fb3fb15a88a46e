/**
 * The event wire format of `POST /v1/ingest/batch` and the client-side caps that keep every event
 * acceptable to the server (measured in UTF-8 bytes, never splitting a character).
 */
import { truncateChars, truncateUtf8, utf8Length } from "./utf8.js";

/** The server's limits; see `sdks/conformance/vectors.json`. */
export const LIMITS = Object.freeze({
  messageBytes: 2048,
  stackBytes: 8192,
  metadataBytes: 4096,
  fingerprintChars: 256,
  bodyBytes: 32768,
  batchEvents: 50,
  /** SDK-side bound for the other free-text fields (error type, route, screen, ids, ...). */
  otherFieldBytes: 1024,
});

/** One event exactly as sent (snake_case, as the server reads it). Absent fields are omitted. */
export interface BloopEvent {
  /** Epoch milliseconds. */
  timestamp: number;
  /** `[a-z0-9_-]{1,32}`: `node`, `web`, `ios`, `android`, ... */
  source: string;
  environment: string;
  release: string;
  error_type: string;
  message: string;
  app_version?: string;
  build_number?: string;
  route_or_procedure?: string;
  screen?: string;
  stack?: string;
  /** 100..599 */
  http_status?: number;
  request_id?: string;
  user_id_hash?: string;
  device_id_hash?: string;
  /** Replaces the server's computed grouping key (at most 256 characters). */
  fingerprint?: string;
  metadata?: Record<string, unknown>;
}

/** Per-capture details (camelCase), merged over the client's defaults. */
export interface EventContext {
  route?: string;
  screen?: string;
  httpStatus?: number;
  requestId?: string;
  userIdHash?: string;
  deviceIdHash?: string;
  fingerprint?: string;
  appVersion?: string;
  buildNumber?: string;
  /** A JSON object; shallow-merged over the defaults' metadata. */
  metadata?: Record<string, unknown>;
}

const STRING_FIELDS = [
  "source", "environment", "release", "error_type", "message", "app_version", "build_number",
  "route_or_procedure", "screen", "stack", "request_id", "user_id_hash", "device_id_hash", "fingerprint",
] as const;

/** The event fields the server knows; anything else would make it refuse the event. */
export const EVENT_FIELDS: ReadonlyArray<keyof BloopEvent> = ["timestamp", ...STRING_FIELDS, "http_status", "metadata"];

/** Compact UTF-8 JSON size of a value, or why it cannot be serialized. */
function jsonBytes(value: unknown): number | string {
  try {
    const text = JSON.stringify(value);
    return text === undefined ? "not serializable: undefined" : utf8Length(text);
  } catch (e) {
    return "not serializable: " + (e instanceof Error ? e.message : String(e));
  }
}

/**
 * Metadata as the server accepts it: a JSON object of at most 4 KB. A non-object value is wrapped as
 * `{value: ...}`; an over-cap or unserializable one is replaced by `{bloop_metadata_dropped: "..."}`
 * (never sent oversized, never a refused event).
 */
export function capMetadata(metadata: unknown, maxBytes: number = LIMITS.metadataBytes): Record<string, unknown> | undefined {
  if (metadata === undefined || metadata === null) return undefined;
  let obj: Record<string, unknown>;
  if (typeof metadata === "object" && !Array.isArray(metadata)) {
    obj = metadata as Record<string, unknown>;
  } else {
    obj = { value: metadata };
  }
  const size = jsonBytes(obj);
  if (typeof size === "string") return { bloop_metadata_dropped: size };
  if (size > maxBytes) {
    return { bloop_metadata_dropped: `${size} bytes is over the ${maxBytes}-byte cap` };
  }
  return obj;
}

function isBlank(s: unknown): boolean {
  return typeof s !== "string" || s.trim() === "";
}

/**
 * A copy of `event` that the server accepts: only known fields, no null/undefined, strings capped
 * (message 2 KB, stack 8 KB, metadata 4 KB, fingerprint 256 chars, others 1 KB), a blank error type
 * or message replaced, an out-of-range `http_status` dropped.
 */
export function normalizeEvent(event: Partial<BloopEvent> & Record<string, unknown>): BloopEvent {
  const out: Record<string, unknown> = {};
  out.timestamp = typeof event.timestamp === "number" && isFinite(event.timestamp) && event.timestamp > 0
    ? Math.floor(event.timestamp) : Date.now();
  for (const field of STRING_FIELDS) {
    let v = event[field];
    if (v === undefined || v === null) continue;
    if (typeof v !== "string") v = String(v);
    let s = v as string;
    switch (field) {
      case "message":
        s = truncateUtf8(s, LIMITS.messageBytes);
        break;
      case "stack":
        s = truncateUtf8(s, LIMITS.stackBytes);
        break;
      case "fingerprint":
        s = truncateChars(s, LIMITS.fingerprintChars);
        break;
      default:
        s = truncateUtf8(s, LIMITS.otherFieldBytes);
    }
    if (s === "" && field !== "message" && field !== "error_type") continue;
    out[field] = s;
  }
  if (isBlank(out.error_type)) out.error_type = "Error";
  if (isBlank(out.message)) out.message = "(no message)";
  const status = event.http_status;
  if (typeof status === "number" && Number.isInteger(status) && status >= 100 && status <= 599) {
    out.http_status = status;
  }
  const metadata = capMetadata(event.metadata);
  if (metadata !== undefined) out.metadata = metadata;
  return out as unknown as BloopEvent;
}

/** Maps a camelCase context onto the wire fields it sets. */
export function contextToFields(ctx: EventContext | undefined): Partial<BloopEvent> {
  if (!ctx) return {};
  const out: Partial<BloopEvent> = {};
  if (ctx.route !== undefined) out.route_or_procedure = ctx.route;
  if (ctx.screen !== undefined) out.screen = ctx.screen;
  if (ctx.httpStatus !== undefined) out.http_status = ctx.httpStatus;
  if (ctx.requestId !== undefined) out.request_id = ctx.requestId;
  if (ctx.userIdHash !== undefined) out.user_id_hash = ctx.userIdHash;
  if (ctx.deviceIdHash !== undefined) out.device_id_hash = ctx.deviceIdHash;
  if (ctx.fingerprint !== undefined) out.fingerprint = ctx.fingerprint;
  if (ctx.appVersion !== undefined) out.app_version = ctx.appVersion;
  if (ctx.buildNumber !== undefined) out.build_number = ctx.buildNumber;
  if (ctx.metadata !== undefined) out.metadata = ctx.metadata;
  return out;
}
