package dev.bloop.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * Answer to {@code POST /v1/errors/bulk}: how many issues the request named or matched, how many
 * changed (each with its own history row) and how many were skipped: already in that state, or not an
 * issue of this project ({@code not_found}, never changed whatever project they belong to).
 */
public record BulkResult(@JsonProperty("action") String action,
                         @JsonProperty("matched") int matched,
                         @JsonProperty("changed") int changed,
                         @JsonProperty("skipped") int skipped,
                         @JsonProperty("not_found") List<String> notFound) {
}
