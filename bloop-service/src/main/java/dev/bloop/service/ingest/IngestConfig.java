package dev.bloop.service.ingest;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

/** {@code ingest:} request and field caps, in UTF-8 bytes. */
public class IngestConfig {
    @Min(1024) @Max(1_048_576) private int maxPayloadBytes = 32_768;
    @Min(1) private int maxMessageBytes = 2_048;
    @Min(1) private int maxStackBytes = 8_192;
    @Min(1) private int maxMetadataBytes = 4_096;
    @Min(1) @Max(1000) private int maxBatchSize = 50;

    @JsonProperty("max_payload_bytes")
    public int getMaxPayloadBytes() {
        return maxPayloadBytes;
    }

    @JsonProperty("max_payload_bytes")
    public void setMaxPayloadBytes(int maxPayloadBytes) {
        this.maxPayloadBytes = maxPayloadBytes;
    }

    @JsonProperty("max_message_bytes")
    public int getMaxMessageBytes() {
        return maxMessageBytes;
    }

    @JsonProperty("max_message_bytes")
    public void setMaxMessageBytes(int maxMessageBytes) {
        this.maxMessageBytes = maxMessageBytes;
    }

    @JsonProperty("max_stack_bytes")
    public int getMaxStackBytes() {
        return maxStackBytes;
    }

    @JsonProperty("max_stack_bytes")
    public void setMaxStackBytes(int maxStackBytes) {
        this.maxStackBytes = maxStackBytes;
    }

    @JsonProperty("max_metadata_bytes")
    public int getMaxMetadataBytes() {
        return maxMetadataBytes;
    }

    @JsonProperty("max_metadata_bytes")
    public void setMaxMetadataBytes(int maxMetadataBytes) {
        this.maxMetadataBytes = maxMetadataBytes;
    }

    @JsonProperty("max_batch_size")
    public int getMaxBatchSize() {
        return maxBatchSize;
    }

    @JsonProperty("max_batch_size")
    public void setMaxBatchSize(int maxBatchSize) {
        this.maxBatchSize = maxBatchSize;
    }
}
