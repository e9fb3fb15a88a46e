package dev.bloop.api.analytics;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * An issue whose count in one of the latest hours is a z-score outlier against its own baseline.
 *
 * @param hourBucket    the spiking hour (the recent hour with the highest z-score)
 * @param baselineMean  mean of the hourly counts over the baseline hours, zero hours included
 * @param baselineSd    their sample standard deviation
 * @param baselineHours how many hours the baseline has (from the first event, or the window's start)
 * @param zscore        (count − mean) / max(sd, 1)
 * @param series        hourly counts over the whole window, oldest first, zero-filled (for sparklines)
 */
public record Spike(@JsonProperty("fingerprint") String fingerprint,
                    @JsonProperty("error_type") String errorType,
                    @JsonProperty("message") String message,
                    @JsonProperty("status") String status,
                    @JsonProperty("hour_bucket") long hourBucket,
                    @JsonProperty("count") long count,
                    @JsonProperty("baseline_mean") double baselineMean,
                    @JsonProperty("baseline_sd") double baselineSd,
                    @JsonProperty("baseline_hours") int baselineHours,
                    @JsonProperty("zscore") double zscore,
                    @JsonProperty("series") List<Long> series) {
}
