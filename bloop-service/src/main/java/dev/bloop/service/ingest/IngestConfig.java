package dev.bloop.service.ingest;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.bloop.api.EventBatch;
import dev.bloop.api.IngestEvent;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MaxDuration;
import io.dropwizard.validation.MinDuration;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.util.concurrent.TimeUnit;

/** {@code ingest:} request and field caps, in UTF-8 bytes. */
public class IngestConfig {
    @Min(1024) @Max(1_048_576) private int maxPayloadBytes = IngestEvent.MAX_BODY_BYTES;
    @Min(1) private int maxMessageBytes = IngestEvent.MAX_MESSAGE_BYTES;
    @Min(1) private int maxStackBytes = IngestEvent.MAX_STACK_BYTES;
    @Min(1) private int maxMetadataBytes = IngestEvent.MAX_METADATA_BYTES;
    @Min(1) @Max(1000) private int maxBatchSize = EventBatch.MAX_EVENTS;
    @NotNull private Ack ack = Ack.QUEUED;
    @Min(1) @Max(64) private int workers = Runtime.getRuntime().availableProcessors();
    @Min(1) @Max(100_000) private int workQueue = 1_024;
    @NotNull @MaxDuration(value = 1, unit = TimeUnit.MINUTES) private Duration warmup = Duration.milliseconds(1500);
    @NotNull @MinDuration(value = 100, unit = TimeUnit.MILLISECONDS) @MaxDuration(value = 5, unit = TimeUnit.MINUTES)
    private Duration bodyTimeout = Duration.seconds(10);

    /** When ingest answers 200. */
    public enum Ack {
        /** Once the event is in the queue: lost only on SIGKILL or power loss, at most one flush's worth. */
        @JsonProperty("queued") QUEUED,
        /** Once the event's batch is committed (group commit): nothing acknowledged is lost to a crash. */
        @JsonProperty("committed") COMMITTED
    }

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

    @JsonProperty("ack")
    public Ack getAck() {
        return ack;
    }

    @JsonProperty("ack")
    public void setAck(Ack ack) {
        this.ack = ack;
    }

    /** A request body must arrive whole within this time (else 408); no thread waits for it meanwhile. */
    @JsonProperty("body_timeout")
    public Duration getBodyTimeout() {
        return bodyTimeout;
    }

    @JsonProperty("body_timeout")
    public void setBodyTimeout(Duration bodyTimeout) {
        this.bodyTimeout = bodyTimeout;
    }

    /** Threads that verify, parse and group ingest requests (default: one per core). */
    @JsonProperty("workers")
    public int getWorkers() {
        return workers;
    }

    @JsonProperty("workers")
    public void setWorkers(int workers) {
        this.workers = workers;
    }

    /** Requests waiting for an ingest worker at most; past it, 429 at once. */
    @JsonProperty("work_queue")
    public int getWorkQueue() {
        return workQueue;
    }

    @JsonProperty("work_queue")
    public void setWorkQueue(int workQueue) {
        this.workQueue = workQueue;
    }

    /** How long start-up may spend running ingest on synthetic events before the port opens (0: off). */
    @JsonProperty("warmup")
    public Duration getWarmup() {
        return warmup;
    }

    @JsonProperty("warmup")
    public void setWarmup(Duration warmup) {
        this.warmup = warmup;
    }
}
