package dev.bloop.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** What a purge deleted (or, on a dry run, would delete). */
public record PurgeReport(@JsonProperty("dry_run") boolean dryRun,
                          @JsonProperty("raw_events_deleted") long rawEventsDeleted,
                          @JsonProperty("samples_deleted") long samplesDeleted,
                          @JsonProperty("hourly_counts_deleted") long hourlyCountsDeleted,
                          @JsonProperty("freed_bytes") long freedBytes,
                          @JsonProperty("duration_ms") long durationMs,
                          @JsonProperty("projects") List<ProjectPart> projects) {

    /** One project's share. */
    public record ProjectPart(@JsonProperty("project_id") String projectId,
                              @JsonProperty("slug") String slug,
                              @JsonProperty("raw_events_days") int rawEventsDays,
                              @JsonProperty("raw_events_deleted") long rawEventsDeleted,
                              @JsonProperty("samples_deleted") long samplesDeleted) {
    }
}
