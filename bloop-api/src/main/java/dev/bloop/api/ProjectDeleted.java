package dev.bloop.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/** {@code DELETE /v1/projects/{slug}}: the project is gone, with this many rows per table. */
public record ProjectDeleted(@JsonProperty("deleted") boolean deleted,
                             @JsonProperty("id") String id,
                             @JsonProperty("slug") String slug,
                             @JsonProperty("rows_deleted") Map<String, Integer> rowsDeleted) {
}
