/**
 * `@bloop/sdk`: the platform-neutral core. Node apps import `@bloop/sdk/node`, web apps
 * `@bloop/sdk/browser`; the React Native SDK and other runtimes build on this entry (see CORE.md).
 */
export {
  BloopClient, getClient, setClient, captureException, captureMessage, capture, flush, close, startTrace, setDefaults,
  type BloopOptions, type ResolvedOptions, type Integration, type EventProcessor, type ClientStats,
} from "./core/client.js";
export {
  LIMITS, EVENT_FIELDS, normalizeEvent, capMetadata, contextToFields, type BloopEvent, type EventContext,
} from "./core/event.js";
export { describeError, framesOf, type DescribedError } from "./core/errors.js";
export { defaultSigner, subtleSigner, pureSigner, hmacSha256Hex, sha256, toHex, type Signer } from "./core/signer.js";
export {
  fetchTransport, parseRetryAfter, unrefTimer, type Transport, type TransportRequest, type TransportResponse,
  type FetchTransportOptions,
} from "./core/transport.js";
export { BoundedQueue, planBatches, nextBatchSize, envelope, bodyBytes, queuedItem, type QueuedItem } from "./core/queue.js";
export type { Logger } from "./core/sender.js";
export {
  Trace, Span, randomId, capContent, MAX_SPANS, type TraceOptions, type TraceEnd, type SpanOptions, type SpanEnd,
  type GenerationOptions, type Usage, type SpanType, type SpanStatus, type TraceStatus, type WireTrace, type WireSpan,
} from "./core/trace.js";
export {
  expressErrorHandler, wrapFetchHandler, routeOfRequest, statusOfError, type ServerIntegrationOptions,
  type FetchHandlerOptions,
} from "./core/http.js";
export { utf8Encode, utf8EncodeJs, utf8Length, truncateUtf8, truncateChars } from "./core/utf8.js";
