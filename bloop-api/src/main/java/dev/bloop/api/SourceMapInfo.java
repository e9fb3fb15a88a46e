package dev.bloop.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** An uploaded source map: which release and file it serves, its sizes (bytes) and when it came (epoch ms). */
public record SourceMapInfo(@JsonProperty("id") long id,
                            @JsonProperty("project_id") String projectId,
                            @JsonProperty("release") String release,
                            @JsonProperty("file_name") String fileName,
                            @JsonProperty("size_bytes") long sizeBytes,
                            @JsonProperty("compressed_bytes") long compressedBytes,
                            @JsonProperty("uploaded_at") long uploadedAt) {

    /** {@code DELETE /v1/projects/{slug}/sourcemaps/{id}}: the id of the map that is gone. */
    public record Deleted(@JsonProperty("deleted") long deleted) {
    }
}
