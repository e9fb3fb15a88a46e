package dev.bloop.api.llm;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * OTLP's {@code ExportTraceServiceResponse} in its JSON form (the protobuf form for protobuf requests):
 * empty when every span was kept, else {@code partialSuccess} with the spans not kept and why.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record OtlpExportResponse(@JsonProperty("partialSuccess") PartialSuccess partialSuccess) {

    /** @param rejectedSpans an int64, so a decimal string in OTLP/JSON */
    public record PartialSuccess(@JsonProperty("rejectedSpans") String rejectedSpans,
                                 @JsonProperty("errorMessage") String errorMessage) {
    }
}
