package dev.bloop.service.web;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MaxDuration;
import io.dropwizard.validation.MinDuration;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.util.concurrent.TimeUnit;

/**
 * {@code connections:} what a client may hold of the server. Slow or idle clients cost memory and
 * file descriptors, not threads (ingest reads bodies asynchronously); these bound how much.
 */
public class ConnectionsConfig {
    @Min(16) @Max(1_000_000) private int max = 1_000;
    @NotNull @MinDuration(value = 1, unit = TimeUnit.SECONDS) @MaxDuration(value = 10, unit = TimeUnit.MINUTES)
    private Duration headerTimeout = Duration.seconds(10);
    @Min(0) private int minRequestDataRate = 128;
    @NotNull @MinDuration(value = 1, unit = TimeUnit.SECONDS)
    private Duration idleTimeout = Duration.seconds(30);

    /** Open connections at most; past it the most stalled one is closed to make room. */
    @JsonProperty("max")
    public int getMax() {
        return max;
    }

    @JsonProperty("max")
    public void setMax(int max) {
        this.max = max;
    }

    /** A request's line and headers must arrive within this time of their first byte. */
    @JsonProperty("header_timeout")
    public Duration getHeaderTimeout() {
        return headerTimeout;
    }

    @JsonProperty("header_timeout")
    public void setHeaderTimeout(Duration headerTimeout) {
        this.headerTimeout = headerTimeout;
    }

    /**
     * Bytes per second a request body must average once it has taken longer than
     * {@code header_timeout}; 0 turns the check off.
     */
    @JsonProperty("min_request_data_rate")
    public int getMinRequestDataRate() {
        return minRequestDataRate;
    }

    @JsonProperty("min_request_data_rate")
    public void setMinRequestDataRate(int minRequestDataRate) {
        this.minRequestDataRate = minRequestDataRate;
    }

    /** A connection with no traffic at all for this long is closed. */
    @JsonProperty("idle_timeout")
    public Duration getIdleTimeout() {
        return idleTimeout;
    }

    @JsonProperty("idle_timeout")
    public void setIdleTimeout(Duration idleTimeout) {
        this.idleTimeout = idleTimeout;
    }
}
