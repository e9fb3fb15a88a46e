package dev.bloop.api.llm;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * {@code GET /v1/llm/export/langsmith?format=json}: the runs of a page of traces (each root followed by
 * its descendants, parents before children), how many traces, and the cursor of the next page.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LangSmithExport(@JsonProperty("runs") List<LangSmithRun> runs,
                              @JsonProperty("traces") int traces,
                              @JsonProperty("next_cursor") String nextCursor) {
}
