package dev.bloop.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * {@code GET /health}, always 200: {@code status} is {@code ok} or {@code degraded} (database unreachable,
 * writer stopped, writes failing, or the queue over 90 % full). While writes fail, {@code storage_error}
 * says why ({@code disk full}, {@code database is read-only}, ...) and since when (epoch ms). With
 * several nodes on one PostgreSQL, {@code jobs} names the scheduled jobs this node runs now (each runs
 * on one node at a time).
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Health(@JsonProperty("status") String status,
                     @JsonProperty("db_ok") boolean dbOk,
                     @JsonProperty("queue_usage") double queueUsage,
                     @JsonProperty("queue_depth") int queueDepth,
                     @JsonProperty("queue_capacity") int queueCapacity,
                     @JsonProperty("writer_running") boolean writerRunning,
                     @JsonProperty("writes_ok") boolean writesOk,
                     @JsonProperty("storage_error") String storageError,
                     @JsonProperty("storage_error_since") Long storageErrorSince,
                     @JsonProperty("dead_letters") long deadLetters,
                     @JsonProperty("warnings") List<String> warnings,
                     @JsonProperty("jobs") List<String> jobs) {
}
