package dev.bloop.service.analytics;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.DataSize;
import io.dropwizard.util.DataSizeUnit;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MaxDataSize;
import io.dropwizard.validation.MaxDuration;
import io.dropwizard.validation.MinDataSize;
import io.dropwizard.validation.MinDuration;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.util.concurrent.TimeUnit;

/**
 * {@code analytics:} the optional DuckDB analytics module. Off unless {@code enabled} (the shipped
 * config.yml turns it on); off, nothing of DuckDB is loaded and its routes answer 404 saying how to
 * turn it on. The defaults keep the whole server within its memory budget (see docs/performance.md).
 */
public class AnalyticsConfig {
    private boolean enabled;
    @NotNull @MinDataSize(value = 16, unit = DataSizeUnit.MEBIBYTES)
    @MaxDataSize(value = 64, unit = DataSizeUnit.GIBIBYTES)
    private DataSize memoryLimit = DataSize.mebibytes(48);
    @Min(1) @Max(64) private int threads = 1;
    @NotNull @MinDuration(value = 100, unit = TimeUnit.MILLISECONDS) @MaxDuration(value = 10, unit = TimeUnit.MINUTES)
    private Duration queryTimeout = Duration.seconds(10);
    @NotNull @MinDuration(value = 100, unit = TimeUnit.MILLISECONDS) @MaxDuration(value = 1, unit = TimeUnit.HOURS)
    private Duration refreshInterval = Duration.seconds(30);
    @Min(0) @Max(86_400) private int cacheTtlSecs = 60;
    @Min(1) @Max(100_000) private int cacheMaxEntries = 256;
    @DecimalMin(value = "0", inclusive = false) @DecimalMax("100") private double zscoreThreshold = 2.5;
    @Min(1) @Max(24) private int spikeRecentHours = 3;
    @Min(2) @Max(336) private int minBaselineHours = 12;
    @Min(2) @Max(720) private int minActiveHours = 6;
    @DecimalMin(value = "0", inclusive = false) @DecimalMax("1") private double minCorrelation = 0.7;
    @Min(2) @Max(5_000) private int maxCorrelatedIssues = 200;

    @JsonProperty("enabled")
    public boolean isEnabled() {
        return enabled;
    }

    @JsonProperty("enabled")
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /** DuckDB's own memory_limit: its buffer pool over the copy's file and query working memory, outside
     *  the Java heap (beyond it, blocks of the file are evicted and a query spills to disk). */
    @JsonProperty("memory_limit")
    public DataSize getMemoryLimit() {
        return memoryLimit;
    }

    @JsonProperty("memory_limit")
    public void setMemoryLimit(DataSize memoryLimit) {
        this.memoryLimit = memoryLimit;
    }

    /** DuckDB worker threads per query; 1 leaves the other core to ingest on a 2-core machine. */
    @JsonProperty("threads")
    public int getThreads() {
        return threads;
    }

    @JsonProperty("threads")
    public void setThreads(int threads) {
        this.threads = threads;
    }

    /** A query running longer is cancelled and answered 503. */
    @JsonProperty("query_timeout")
    public Duration getQueryTimeout() {
        return queryTimeout;
    }

    @JsonProperty("query_timeout")
    public void setQueryTimeout(Duration queryTimeout) {
        this.queryTimeout = queryTimeout;
    }

    /** How often new counts are copied from SQLite into DuckDB: the bound on how stale an answer is. */
    @JsonProperty("refresh_interval")
    public Duration getRefreshInterval() {
        return refreshInterval;
    }

    @JsonProperty("refresh_interval")
    public void setRefreshInterval(Duration refreshInterval) {
        this.refreshInterval = refreshInterval;
    }

    /** How long an answer is reused (0: never); a refresh that brings new data makes new answers at once. */
    @JsonProperty("cache_ttl_secs")
    public int getCacheTtlSecs() {
        return cacheTtlSecs;
    }

    @JsonProperty("cache_ttl_secs")
    public void setCacheTtlSecs(int cacheTtlSecs) {
        this.cacheTtlSecs = cacheTtlSecs;
    }

    @JsonProperty("cache_max_entries")
    public int getCacheMaxEntries() {
        return cacheMaxEntries;
    }

    @JsonProperty("cache_max_entries")
    public void setCacheMaxEntries(int cacheMaxEntries) {
        this.cacheMaxEntries = cacheMaxEntries;
    }

    /** A recent hour is a spike when its z-score against the issue's baseline reaches this. */
    @JsonProperty("zscore_threshold")
    public double getZscoreThreshold() {
        return zscoreThreshold;
    }

    @JsonProperty("zscore_threshold")
    public void setZscoreThreshold(double zscoreThreshold) {
        this.zscoreThreshold = zscoreThreshold;
    }

    /** The latest hours tested for spikes (the current hour included); the baseline is the hours before. */
    @JsonProperty("spike_recent_hours")
    public int getSpikeRecentHours() {
        return spikeRecentHours;
    }

    @JsonProperty("spike_recent_hours")
    public void setSpikeRecentHours(int spikeRecentHours) {
        this.spikeRecentHours = spikeRecentHours;
    }

    /** An issue with a shorter baseline (it is younger than this) is reported as new, not scored. */
    @JsonProperty("min_baseline_hours")
    public int getMinBaselineHours() {
        return minBaselineHours;
    }

    @JsonProperty("min_baseline_hours")
    public void setMinBaselineHours(int minBaselineHours) {
        this.minBaselineHours = minBaselineHours;
    }

    /** Issues with fewer hours with events in the window take no part in correlations. */
    @JsonProperty("min_active_hours")
    public int getMinActiveHours() {
        return minActiveHours;
    }

    @JsonProperty("min_active_hours")
    public void setMinActiveHours(int minActiveHours) {
        this.minActiveHours = minActiveHours;
    }

    /** Correlations are computed among this many issues at most: those with the most events in the window. */
    @JsonProperty("max_correlated_issues")
    public int getMaxCorrelatedIssues() {
        return maxCorrelatedIssues;
    }

    @JsonProperty("max_correlated_issues")
    public void setMaxCorrelatedIssues(int maxCorrelatedIssues) {
        this.maxCorrelatedIssues = maxCorrelatedIssues;
    }

    /** Pairs whose |r| is below this are not reported. */
    @JsonProperty("min_correlation")
    public double getMinCorrelation() {
        return minCorrelation;
    }

    @JsonProperty("min_correlation")
    public void setMinCorrelation(double minCorrelation) {
        this.minCorrelation = minCorrelation;
    }
}
