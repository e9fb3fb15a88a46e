package dev.bloop.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.Size;
import java.util.List;

/**
 * A project's in-app rules ({@code GET/PUT /v1/projects/{slug}/grouping}): package or path prefixes
 * that are always the app's own code, or never are, when picking the frame an event is grouped by.
 * {@code rules_version} goes up by one at each change (0: never set); {@code grouping_version} is the
 * server's grouping algorithm. {@code updated_at} is epoch ms.
 */
public record InAppRules(@JsonProperty("project_id") String projectId,
                         @JsonProperty("slug") String slug,
                         @JsonProperty("in_app_include") List<String> inAppInclude,
                         @JsonProperty("in_app_exclude") List<String> inAppExclude,
                         @JsonProperty("rules_version") int rulesVersion,
                         @JsonProperty("grouping_version") int groupingVersion,
                         @JsonProperty("updated_at") Long updatedAt,
                         @JsonProperty("updated_by") String updatedBy) {

    /**
     * {@code PUT}: replaces both lists (a list left out is empty). Each holds at most 50 prefixes of 1 to
     * 200 characters, without control characters; duplicates are dropped; none may be in both.
     */
    public record InAppRulesUpdate(
            @JsonProperty("in_app_include")
            @Size(max = 50, message = "in_app_include holds at most 50 prefixes") List<String> inAppInclude,
            @JsonProperty("in_app_exclude")
            @Size(max = 50, message = "in_app_exclude holds at most 50 prefixes") List<String> inAppExclude) {
    }
}
