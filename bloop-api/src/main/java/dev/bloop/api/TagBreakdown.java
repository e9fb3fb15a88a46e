package dev.bloop.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * {@code GET /v1/errors/{fingerprint}/tags}: how the group's latest events split by environment,
 * release, app version, browser, OS, device and locale. {@code events}: how many events were read;
 * tags without any value are left out.
 */
public record TagBreakdown(@JsonProperty("events") long events, @JsonProperty("tags") List<Tag> tags) {

    /** One tag: its most common values, how many events had another value, and how many had one at all. */
    public record Tag(@JsonProperty("key") String key,
                      @JsonProperty("values") List<Count> values,
                      @JsonProperty("other") long other,
                      @JsonProperty("with_value") long withValue) {
    }

    public record Count(@JsonProperty("value") String value, @JsonProperty("count") long count) {
    }
}
