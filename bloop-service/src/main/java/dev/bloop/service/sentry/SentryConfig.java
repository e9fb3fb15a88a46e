package dev.bloop.service.sentry;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.DataSize;
import io.dropwizard.util.DataSizeUnit;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MaxDataSize;
import io.dropwizard.validation.MaxDuration;
import io.dropwizard.validation.MinDataSize;
import io.dropwizard.validation.MinDuration;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.util.concurrent.TimeUnit;

/**
 * {@code sentry:} the Sentry-compatible ingest endpoints ({@code /api/{id}/envelope/} and
 * {@code /api/{id}/store/}). Off unless {@code enabled}; every size is a cap that a request past it
 * gets 413 for (or 429 for the in-flight budget), so no body can make the server run out of memory.
 */
public class SentryConfig {
    private boolean enabled = false;
    @NotNull private String publicUrl = "";
    @NotNull @MinDataSize(value = 1, unit = DataSizeUnit.KIBIBYTES) @MaxDataSize(value = 64, unit = DataSizeUnit.MEBIBYTES)
    private DataSize maxEnvelopeSize = DataSize.mebibytes(1);
    @NotNull @MinDataSize(value = 1, unit = DataSizeUnit.KIBIBYTES) @MaxDataSize(value = 256, unit = DataSizeUnit.MEBIBYTES)
    private DataSize maxDecompressedSize = DataSize.mebibytes(8);
    @NotNull @MinDataSize(value = 1, unit = DataSizeUnit.KIBIBYTES) @MaxDataSize(value = 16, unit = DataSizeUnit.MEBIBYTES)
    private DataSize maxEventSize = DataSize.mebibytes(1);
    @NotNull @MinDataSize(value = 1, unit = DataSizeUnit.MEBIBYTES) @MaxDataSize(value = 1, unit = DataSizeUnit.GIBIBYTES)
    private DataSize maxInFlight = DataSize.mebibytes(32);
    @NotNull @MinDuration(value = 1, unit = TimeUnit.SECONDS) @MaxDuration(value = 1, unit = TimeUnit.DAYS)
    private Duration skippedRetryAfter = Duration.hours(1);
    @Min(0) @Max(1_000_000) private int dedupeEventIds = 10_000;

    @JsonProperty("enabled")
    public boolean isEnabled() {
        return enabled;
    }

    @JsonProperty("enabled")
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /**
     * The base URL SDKs reach bloop at, as it goes into DSNs ({@code https://bloop.example.com});
     * empty: the URL the dashboard was opened with.
     */
    @JsonProperty("public_url")
    public String getPublicUrl() {
        return publicUrl;
    }

    @JsonProperty("public_url")
    public void setPublicUrl(String publicUrl) {
        this.publicUrl = publicUrl == null ? "" : publicUrl.trim();
    }

    /** A request body as sent (compressed or not); past it, 413. */
    @JsonProperty("max_envelope_size")
    public DataSize getMaxEnvelopeSize() {
        return maxEnvelopeSize;
    }

    @JsonProperty("max_envelope_size")
    public void setMaxEnvelopeSize(DataSize maxEnvelopeSize) {
        this.maxEnvelopeSize = maxEnvelopeSize;
    }

    /** A body once decompressed, counted while it is decompressed (a decompression bomb stops here: 413). */
    @JsonProperty("max_decompressed_size")
    public DataSize getMaxDecompressedSize() {
        return maxDecompressedSize;
    }

    @JsonProperty("max_decompressed_size")
    public void setMaxDecompressedSize(DataSize maxDecompressedSize) {
        this.maxDecompressedSize = maxDecompressedSize;
    }

    /** One event (or session, or client report) item, decompressed; past it, 413. */
    @JsonProperty("max_event_size")
    public DataSize getMaxEventSize() {
        return maxEventSize;
    }

    @JsonProperty("max_event_size")
    public void setMaxEventSize(DataSize maxEventSize) {
        this.maxEventSize = maxEventSize;
    }

    /** Request bodies held in memory at once, all requests together; past it, 429 (the heap is 256 MB). */
    @JsonProperty("max_in_flight")
    public DataSize getMaxInFlight() {
        return maxInFlight;
    }

    @JsonProperty("max_in_flight")
    public void setMaxInFlight(DataSize maxInFlight) {
        this.maxInFlight = maxInFlight;
    }

    /**
     * How long SDKs are told ({@code X-Sentry-Rate-Limits}) not to send the item types bloop skips
     * (transactions, attachments, profiles, replays, ...) once they have sent one.
     */
    @JsonProperty("skipped_retry_after")
    public Duration getSkippedRetryAfter() {
        return skippedRetryAfter;
    }

    @JsonProperty("skipped_retry_after")
    public void setSkippedRetryAfter(Duration skippedRetryAfter) {
        this.skippedRetryAfter = skippedRetryAfter;
    }

    /** Recent event ids remembered per server, so an SDK's retry of a kept event is not counted twice (0: off). */
    @JsonProperty("dedupe_event_ids")
    public int getDedupeEventIds() {
        return dedupeEventIds;
    }

    @JsonProperty("dedupe_event_ids")
    public void setDedupeEventIds(int dedupeEventIds) {
        this.dedupeEventIds = dedupeEventIds;
    }

    @JsonIgnore
    @AssertTrue(message = "is false: sentry.public_url must be empty or scheme://host[:port][/path], e.g. https://bloop.example.com")
    public boolean isPublicUrlWellFormed() {
        if (publicUrl.isEmpty()) {
            return true;
        }
        try {
            URI u = new URI(publicUrl);
            return (u.getScheme() != null && (u.getScheme().equals("http") || u.getScheme().equals("https")))
                    && u.getHost() != null && u.getUserInfo() == null && u.getQuery() == null && u.getFragment() == null;
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }
}
