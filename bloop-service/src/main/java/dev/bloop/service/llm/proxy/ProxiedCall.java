package dev.bloop.service.llm.proxy;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One finished proxied call, as the recorder turns it into a trace with one generation span.
 *
 * @param grouping   the caller's X-Bloop-* headers (with the trace id bloop made up when none was given)
 * @param givenTraceId whether the caller named the trace (other calls may have made it already)
 * @param status     the span's: {@code ok}, {@code error} or {@code cancelled} (the client went away)
 * @param httpStatus the provider's status, 0 when it never answered
 * @param input      what was asked (messages, input, system), only when the project keeps content
 * @param latencyMs  from sending upstream to the last byte
 * @param ttftMs     from sending upstream to the first content delta; null when not streamed or none came
 * @param overheadMs what bloop added before the provider got the request and before the client got the headers
 */
record ProxiedCall(String projectId, Grouping grouping, boolean givenTraceId, Api api, String provider, String path, String requestModel,
                   CallFacts facts, String status, String error, int httpStatus, boolean streamed, JsonNode input,
                   long startedAtMs, long endedAtMs, long latencyMs, Long ttftMs, double overheadMs) {
}
