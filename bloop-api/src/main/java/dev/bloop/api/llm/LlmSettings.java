package dev.bloop.api.llm;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * {@code GET/PUT /v1/llm/settings}: how much of prompts and completions a project keeps.
 * {@code none}: neither {@code input}/{@code output} nor {@code metadata} of traces and spans is kept
 * (they are dropped at ingest, before anything is queued); {@code metadata_only}: metadata is kept,
 * content is not; {@code full}: everything is kept.
 *
 * @param source {@code project} when the project chose, {@code default} when it is the configured default
 */
public record LlmSettings(@JsonProperty("project_id") String projectId,
                          @JsonProperty("content_storage") String contentStorage,
                          @JsonProperty("source") String source,
                          @JsonProperty("updated_at") Long updatedAt,
                          @JsonProperty("updated_by") String updatedBy) {

    /** The PUT body. */
    public record LlmSettingsUpdate(@JsonProperty("content_storage") String contentStorage) {
    }
}
