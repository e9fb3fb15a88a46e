package dev.bloop.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.util.List;

/**
 * Retention under {@code /v1/admin/retention}: the days raw events and hourly counts are kept (by
 * server receive time), per-project overrides, storage figures and the last purge.
 *
 * @param status      {@code ok} in the answer of a change; absent on a read
 * @param global      the days in force (set here, else the config file's)
 * @param defaults    the config file's days
 * @param lastPurge   the last purge run, or null
 */
public record Retention(@JsonProperty("status") @JsonInclude(JsonInclude.Include.NON_NULL) String status,
                        @JsonProperty("global") Days global,
                        @JsonProperty("defaults") Days defaults,
                        @JsonProperty("per_project") List<ProjectRetention> perProject,
                        @JsonProperty("storage") Storage storage,
                        @JsonProperty("last_purge") PurgeRun lastPurge) {

    public record Days(@JsonProperty("raw_events_days") int rawEventsDays,
                       @JsonProperty("hourly_counts_days") int hourlyCountsDays) {
    }

    /** @param rawEventsDays the project's override, or null */
    public record ProjectRetention(@JsonProperty("project_id") String projectId,
                                   @JsonProperty("slug") String slug,
                                   @JsonProperty("project_name") String projectName,
                                   @JsonProperty("raw_events_days") Integer rawEventsDays,
                                   @JsonProperty("effective_raw_events_days") int effectiveRawEventsDays,
                                   @JsonProperty("raw_events_count") long rawEventsCount) {
    }

    public record Storage(@JsonProperty("db_size_bytes") long dbSizeBytes,
                          @JsonProperty("free_bytes") long freeBytes,
                          @JsonProperty("wal_size_bytes") long walSizeBytes,
                          @JsonProperty("raw_events_count") long rawEventsCount,
                          @JsonProperty("error_groups_count") long errorGroupsCount,
                          @JsonProperty("samples_count") long samplesCount,
                          @JsonProperty("hourly_counts_count") long hourlyCountsCount) {
    }

    /** A purge run as recorded: who started it (scheduler, command, api:name) and what it deleted. */
    public record PurgeRun(@JsonProperty("trigger") String trigger,
                           @JsonProperty("started_at") long startedAt,
                           @JsonProperty("finished_at") long finishedAt,
                           @JsonProperty("raw_events_deleted") long rawEventsDeleted,
                           @JsonProperty("samples_deleted") long samplesDeleted,
                           @JsonProperty("hourly_counts_deleted") long hourlyCountsDeleted,
                           @JsonProperty("freed_bytes") long freedBytes) {
    }

    /**
     * {@code PUT /v1/admin/retention}: days from 1 to 3650; what is left out stays as it is. A project's
     * 0 or null removes its override. Everything is checked before anything is saved.
     */
    public record RetentionUpdate(
            @JsonProperty("raw_events_days")
            @Min(value = 1, message = "raw_events_days must be between 1 and 3650")
            @Max(value = 3650, message = "raw_events_days must be between 1 and 3650") Integer rawEventsDays,
            @JsonProperty("hourly_counts_days")
            @Min(value = 1, message = "hourly_counts_days must be between 1 and 3650")
            @Max(value = 3650, message = "hourly_counts_days must be between 1 and 3650") Integer hourlyCountsDays,
            @JsonProperty("per_project") List<@NotNull(message = "per_project entries must be objects") @Valid
                    ProjectDays> perProject) {
    }

    /** One project's override: {@code project_id} is an id or a slug. */
    public record ProjectDays(
            @JsonProperty("project_id") @NotNull(message = "project_id is required") String projectId,
            @JsonProperty("raw_events_days")
            @Min(value = 0, message = "raw_events_days must be between 1 and 3650 (or 0 to use the global value)")
            @Max(value = 3650, message = "raw_events_days must be between 1 and 3650 (or 0 to use the global value)")
            Integer rawEventsDays) {
    }

    /** {@code POST /v1/admin/retention/purge}: {@code confirm} must be true; {@code dry_run} only counts. */
    public record PurgeRequest(
            @JsonProperty("confirm")
            @NotNull(message = "request body must contain {\"confirm\": true}")
            @AssertTrue(message = "confirm must be true") Boolean confirm,
            @JsonProperty("dry_run") Boolean dryRun) {
    }

    /** The answer of a purge: {@code {"status": "ok"}} and the report. */
    public record Purged(@JsonProperty("status") String status, @JsonUnwrapped PurgeReport report) {
    }
}
