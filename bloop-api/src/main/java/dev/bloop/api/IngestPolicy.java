package dev.bloop.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.Map;

/**
 * A project's limits on what ingest accepts ({@code GET/PUT /v1/projects/{slug}/ingest}). A secret
 * shipped inside an app is public, so these, not the signature, are what stop a leaked secret from
 * flooding a project. Every field is optional; null means no limit.
 *
 * @param eventsPerMinute sustained events per minute; past it, 429 with Retry-After
 * @param burst           events that may arrive at once above the rate (default: one minute's worth)
 * @param releases        only events of these releases are kept (others are acknowledged and dropped)
 * @param environments    only events of these environments are kept
 * @param maxAgeDays      events whose own timestamp is older than this are dropped
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record IngestPolicy(
        @JsonProperty("events_per_minute")
        @Min(value = 1, message = "events_per_minute must be a whole number from 1 to 10000000, or null")
        @Max(value = 10_000_000, message = "events_per_minute must be a whole number from 1 to 10000000, or null")
        Integer eventsPerMinute,
        @JsonProperty("burst")
        @Min(value = 1, message = "burst must be a whole number from 1 to 10000000, or null")
        @Max(value = 10_000_000, message = "burst must be a whole number from 1 to 10000000, or null") Integer burst,
        @JsonProperty("releases")
        @Size(min = 1, max = 100, message = "releases must be a list of 1 to 100 names, or null (no filter)")
        List<@NotBlank(message = NAMES) @Size(max = 200, message = NAMES) String> releases,
        @JsonProperty("environments")
        @Size(min = 1, max = 100, message = "environments must be a list of 1 to 100 names, or null (no filter)")
        List<@NotBlank(message = NAMES) @Size(max = 200, message = NAMES) String> environments,
        @JsonProperty("max_age_days")
        @Min(value = 1, message = "max_age_days must be a whole number from 1 to 3650, or null")
        @Max(value = 3650, message = "max_age_days must be a whole number from 1 to 3650, or null") Integer maxAgeDays) {

    static final String NAMES = "entries must be non-empty strings of at most 200 characters";

    public static final IngestPolicy NONE = new IngestPolicy(null, null, null, null, null);

    /** The policy and what ingest refused or dropped for the project in the last 24 hours, by reason. */
    public record View(@JsonProperty("policy") IngestPolicy policy,
                       @JsonProperty("refused_last_24h") Map<String, Long> refusedLast24h) {
    }
}
