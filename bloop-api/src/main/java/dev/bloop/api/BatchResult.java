package dev.bloop.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * Answer to a batch: how many events were accepted, how many the project's inbound filters dropped
 * (acknowledged, not kept; absent when none), and, by index, why the others were refused.
 */
public record BatchResult(@JsonProperty("accepted") int accepted,
                          @JsonProperty("filtered") @JsonInclude(JsonInclude.Include.NON_DEFAULT) int filtered,
                          @JsonProperty("errors") List<ItemError> errors) {

    public BatchResult(int accepted, List<ItemError> errors) {
        this(accepted, 0, errors);
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ItemError(@JsonProperty("index") int index,
                            @JsonProperty("error") String error,
                            @JsonProperty("field") String field) {
    }
}
