package dev.bloop.api.llm;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** {@code POST /v1/traces/batch}: at most {@code llm_tracing.max_batch_size} (50) traces. */
public record TraceBatch(@JsonProperty("traces") List<TraceIn> traces) {
}
