package dev.bloop.service.retention;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MinDuration;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.util.concurrent.TimeUnit;

/**
 * {@code retention:} how long raw events and hourly counts are kept (by server receive time), and how
 * the purge paces itself. Values set on the admin API override the day counts here.
 */
public class RetentionConfig {
    static final int MAX_DAYS = 3650;

    @Min(1) @Max(MAX_DAYS) private int rawEventsDays = 30;
    @Min(1) @Max(MAX_DAYS) private int hourlyCountsDays = 90;
    private boolean enabled = true;
    @NotNull @MinDuration(value = 1, unit = TimeUnit.MINUTES)
    private Duration purgeInterval = Duration.hours(1);
    @Min(100) @Max(100_000) private int batchSize = 2_000;
    @NotNull private Duration batchPause = Duration.milliseconds(10);

    @JsonProperty("raw_events_days")
    public int getRawEventsDays() {
        return rawEventsDays;
    }

    @JsonProperty("raw_events_days")
    public void setRawEventsDays(int rawEventsDays) {
        this.rawEventsDays = rawEventsDays;
    }

    @JsonProperty("hourly_counts_days")
    public int getHourlyCountsDays() {
        return hourlyCountsDays;
    }

    @JsonProperty("hourly_counts_days")
    public void setHourlyCountsDays(int hourlyCountsDays) {
        this.hourlyCountsDays = hourlyCountsDays;
    }

    /** The hourly scheduler; the API and the purge command work either way. */
    @JsonProperty("enabled")
    public boolean isEnabled() {
        return enabled;
    }

    @JsonProperty("enabled")
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    @JsonProperty("purge_interval")
    public Duration getPurgeInterval() {
        return purgeInterval;
    }

    @JsonProperty("purge_interval")
    public void setPurgeInterval(Duration purgeInterval) {
        this.purgeInterval = purgeInterval;
    }

    /** Rows deleted per transaction: small enough that ingest's writer never waits long for the lock. */
    @JsonProperty("batch_size")
    public int getBatchSize() {
        return batchSize;
    }

    @JsonProperty("batch_size")
    public void setBatchSize(int batchSize) {
        this.batchSize = batchSize;
    }

    /** Pause between two delete transactions, so queued ingest commits go first. */
    @JsonProperty("batch_pause")
    public Duration getBatchPause() {
        return batchPause;
    }

    @JsonProperty("batch_pause")
    public void setBatchPause(Duration batchPause) {
        this.batchPause = batchPause;
    }
}
