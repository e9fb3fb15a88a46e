package dev.bloop.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** Answer to a batch: how many events were accepted and, by index, why the others were not. */
public record BatchResult(@JsonProperty("accepted") int accepted,
                          @JsonProperty("errors") List<ItemError> errors) {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ItemError(@JsonProperty("index") int index,
                            @JsonProperty("error") String error,
                            @JsonProperty("field") String field) {
    }
}
