package dev.bloop.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
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
public record IngestPolicy(@JsonProperty("events_per_minute") Integer eventsPerMinute,
                           @JsonProperty("burst") Integer burst,
                           @JsonProperty("releases") List<String> releases,
                           @JsonProperty("environments") List<String> environments,
                           @JsonProperty("max_age_days") Integer maxAgeDays) {

    public static final IngestPolicy NONE = new IngestPolicy(null, null, null, null, null);

    /** The policy and what ingest refused or dropped for the project in the last 24 hours, by reason. */
    public record View(@JsonProperty("policy") IngestPolicy policy,
                       @JsonProperty("refused_last_24h") Map<String, Long> refusedLast24h) {
    }
}
