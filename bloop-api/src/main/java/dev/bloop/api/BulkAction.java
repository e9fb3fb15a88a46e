package dev.bloop.api;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * {@code POST /v1/errors/bulk}: one action on many issues of the caller's project, named either by
 * {@code fingerprints} or by {@code filter} (the list's query keys: every issue matching it), not both.
 * {@code assignee} is the username for {@code assign} (null or absent: nobody).
 */
public record BulkAction(@JsonProperty("action") String action,
                         @JsonProperty("fingerprints") List<String> fingerprints,
                         @JsonProperty("filter") Filter filter,
                         @JsonProperty("assignee") String assignee) {

    /** The keys of {@code GET /v1/errors}' query; release, environment, source and route take one value or several. */
    public record Filter(
            @JsonProperty("release") @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<String> release,
            @JsonProperty("environment") @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<String> environment,
            @JsonProperty("source") @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<String> source,
            @JsonProperty("route") @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<String> route,
            @JsonProperty("status") String status,
            @JsonProperty("q") String q,
            @JsonProperty("since") Long since,
            @JsonProperty("until") Long until,
            @JsonProperty("assigned") String assigned) {
    }
}
