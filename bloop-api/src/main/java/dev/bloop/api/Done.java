package dev.bloop.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A change with nothing more to say than what it touched: {@code {"status": "ok"}} plus
 * {@code deleted}, {@code revoked} or {@code removed} naming it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Done(@JsonProperty("status") String status,
                   @JsonProperty("deleted") String deleted,
                   @JsonProperty("revoked") String revoked,
                   @JsonProperty("removed") String removed) {
    public static Done ok() {
        return new Done("ok", null, null, null);
    }

    public static Done deleted(String id) {
        return new Done("ok", id, null, null);
    }

    public static Done revoked(String id) {
        return new Done("ok", null, id, null);
    }

    public static Done removed(String id) {
        return new Done("ok", null, null, id);
    }
}
