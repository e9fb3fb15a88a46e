package dev.bloop.api.llm.eval;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * {@code GET /v1/llm/rag}: the retrieval spans of one source (the span's name) in the window. Documents and
 * relevance come from the spans' metadata ({@code documents}, {@code relevance}) when they carry it.
 */
public record RagRow(@JsonProperty("source") String source,
                     @JsonProperty("calls") long calls,
                     @JsonProperty("errors") long errors,
                     @JsonProperty("p50_ms") Double p50Ms,
                     @JsonProperty("p99_ms") Double p99Ms,
                     @JsonProperty("documents") long documents,
                     @JsonProperty("mean_documents") Double meanDocuments,
                     @JsonProperty("empty_results") long emptyResults,
                     @JsonProperty("mean_relevance") Double meanRelevance) {
}
