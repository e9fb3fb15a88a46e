package dev.bloop.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * An accepted event the server could not commit because of something in the event itself (kept
 * whole, never dropped), as listed by {@code GET /v1/admin/dead-letters}.
 *
 * @param event the event as accepted: {@code project_id}, {@code received_at}, {@code grouping}, {@code event}
 */
public record DeadLetter(@JsonProperty("id") long id,
                         @JsonProperty("project_id") String projectId,
                         @JsonProperty("received_at") long receivedAt,
                         @JsonProperty("failed_at") long failedAt,
                         @JsonProperty("error") String error,
                         @JsonProperty("event") JsonNode event) {

    /** {@code POST /v1/admin/dead-letters/replay}: the letters to replay ({@code ids}), or {@code all}. */
    public record Replay(@JsonProperty("ids") List<Long> ids, @JsonProperty("all") Boolean all) {
    }

    /** How many letters went back to the writer. */
    public record Replayed(@JsonProperty("replayed") int replayed) {
    }
}
