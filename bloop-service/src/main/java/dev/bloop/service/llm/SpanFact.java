package dev.bloop.service.llm;

/**
 * What a committed flush tells the LLM alert rules about one new span (server receive time).
 *
 * @param costNanos the span's known cost (client's, else computed), null when unknown
 * @param latencyMs null when the span has none
 */
record SpanFact(String projectId, String model, long receivedAt, boolean generation, boolean error, Long latencyMs,
                Long costNanos) {
}
