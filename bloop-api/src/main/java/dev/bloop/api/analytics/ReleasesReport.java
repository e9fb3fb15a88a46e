package dev.bloop.api.analytics;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** {@code GET /v1/analytics/releases}: the latest releases, oldest first (order of first appearance). */
public record ReleasesReport(@JsonProperty("as_of") long asOf,
                             @JsonProperty("environment") String environment,
                             @JsonProperty("releases") List<ReleaseImpact> releases) {
}
