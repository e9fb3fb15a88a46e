package dev.bloop.service.pipeline;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.DataSize;
import io.dropwizard.util.DataSizeUnit;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MaxDataSize;
import io.dropwizard.validation.MaxDuration;
import io.dropwizard.validation.MinDuration;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.util.concurrent.TimeUnit;

/** {@code pipeline:} the bounded queue between HTTP threads and the single writer thread. */
public class PipelineConfig {
    @Min(1) @Max(1_000_000) private int queueCapacity = 8_192;
    @Min(1) @Max(10_000) private int flushBatchSize = 2_000;
    @NotNull @MinDuration(value = 1, unit = TimeUnit.MILLISECONDS) @MaxDuration(value = 60, unit = TimeUnit.SECONDS)
    private Duration flushInterval = Duration.milliseconds(250);
    @Min(1) @Max(100) private int sampleReservoirSize = 10;
    @NotNull @MinDuration(value = 0, unit = TimeUnit.MILLISECONDS)
    private Duration sampleInterval = Duration.seconds(10);
    @NotNull @MinDuration(value = 1, unit = TimeUnit.SECONDS)
    private Duration drainTimeout = Duration.seconds(30);
    @NotNull @MaxDataSize(value = 1, unit = DataSizeUnit.GIBIBYTES)
    private DataSize spillReserve = DataSize.mebibytes(16);

    @JsonProperty("queue_capacity")
    public int getQueueCapacity() {
        return queueCapacity;
    }

    @JsonProperty("queue_capacity")
    public void setQueueCapacity(int queueCapacity) {
        this.queueCapacity = queueCapacity;
    }

    @JsonProperty("flush_batch_size")
    public int getFlushBatchSize() {
        return flushBatchSize;
    }

    @JsonProperty("flush_batch_size")
    public void setFlushBatchSize(int flushBatchSize) {
        this.flushBatchSize = flushBatchSize;
    }

    @JsonProperty("flush_interval")
    public Duration getFlushInterval() {
        return flushInterval;
    }

    @JsonProperty("flush_interval")
    public void setFlushInterval(Duration flushInterval) {
        this.flushInterval = flushInterval;
    }

    @JsonProperty("sample_reservoir_size")
    public int getSampleReservoirSize() {
        return sampleReservoirSize;
    }

    @JsonProperty("sample_reservoir_size")
    public void setSampleReservoirSize(int sampleReservoirSize) {
        this.sampleReservoirSize = sampleReservoirSize;
    }

    /** A hot group gets at most one new sample per this interval (new and re-opened groups always do). */
    @JsonProperty("sample_interval")
    public Duration getSampleInterval() {
        return sampleInterval;
    }

    @JsonProperty("sample_interval")
    public void setSampleInterval(Duration sampleInterval) {
        this.sampleInterval = sampleInterval;
    }

    @JsonProperty("drain_timeout")
    public Duration getDrainTimeout() {
        return drainTimeout;
    }

    @JsonProperty("drain_timeout")
    public void setDrainTimeout(Duration drainTimeout) {
        this.drainTimeout = drainTimeout;
    }

    /**
     * Disk space reserved beside the database for events that cannot be committed at a stop (disk
     * full, I/O errors): they are written there and committed at the next start.
     */
    @JsonProperty("spill_reserve")
    public DataSize getSpillReserve() {
        return spillReserve;
    }

    @JsonProperty("spill_reserve")
    public void setSpillReserve(DataSize spillReserve) {
        this.spillReserve = spillReserve;
    }
}
