package dev.bloop.service.llm;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.bloop.service.llm.proxy.ProxyConfig;
import io.dropwizard.util.DataSize;
import io.dropwizard.util.DataSizeUnit;
import io.dropwizard.validation.MaxDataSize;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

/**
 * {@code llm_tracing:} the optional LLM tracing module: its switch, its own queue and writer, and its
 * limits. Every key can be set with {@code BLOOP__LLM_TRACING__<KEY>}.
 */
public class LlmTracingConfig {
    private boolean enabled = false;
    @Min(1) @Max(1_000_000) private int channelCapacity = 4_096;
    @Min(1) @Max(60) private int flushIntervalSecs = 2;
    @Min(1) @Max(10_000) private int flushBatchSize = 200;
    @Min(1) @Max(1_000) private int maxSpansPerTrace = 100;
    @Min(1) @Max(1_000) private int maxBatchSize = 50;
    @Min(1_024) @Max(16_777_216) private int maxPayloadBytes = 262_144;
    @Min(1_024) @Max(67_108_864) private int otlpMaxBodyBytes = 4_194_304;
    @Min(256) @Max(1_048_576) private int maxContentBytes = 32_768;
    @Min(256) @Max(1_048_576) private int maxMetadataBytes = 8_192;
    @NotNull private ContentStorage defaultContentStorage = ContentStorage.NONE;
    @Min(1) @Max(3_600) private int cacheTtlSecs = 30;
    @Min(1) @Max(600) private int drainTimeoutSecs = 30;
    @NotNull @MaxDataSize(value = 1, unit = DataSizeUnit.GIBIBYTES) private DataSize spillReserve = DataSize.mebibytes(8);
    @Min(1) @Max(3_600) private int alertEvaluationSecs = 10;
    @Valid @NotNull private ProxyConfig proxy = new ProxyConfig();

    /** On: trace ingest, queries, prices, alerts and the dashboard's LLM pages. Off: their routes answer 404. */
    @JsonProperty("enabled")
    public boolean isEnabled() {
        return enabled;
    }

    @JsonProperty("enabled")
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /** Traces (and updates) waiting for the writer; beyond this trace ingest answers 429. */
    @JsonProperty("channel_capacity")
    public int getChannelCapacity() {
        return channelCapacity;
    }

    @JsonProperty("channel_capacity")
    public void setChannelCapacity(int channelCapacity) {
        this.channelCapacity = channelCapacity;
    }

    /** The writer commits once the oldest queued trace has waited this long... */
    @JsonProperty("flush_interval_secs")
    public int getFlushIntervalSecs() {
        return flushIntervalSecs;
    }

    @JsonProperty("flush_interval_secs")
    public void setFlushIntervalSecs(int flushIntervalSecs) {
        this.flushIntervalSecs = flushIntervalSecs;
    }

    /** ...or once this many traces are queued. */
    @JsonProperty("flush_batch_size")
    public int getFlushBatchSize() {
        return flushBatchSize;
    }

    @JsonProperty("flush_batch_size")
    public void setFlushBatchSize(int flushBatchSize) {
        this.flushBatchSize = flushBatchSize;
    }

    /** Spans per trace; more in one request is a 400. */
    @JsonProperty("max_spans_per_trace")
    public int getMaxSpansPerTrace() {
        return maxSpansPerTrace;
    }

    @JsonProperty("max_spans_per_trace")
    public void setMaxSpansPerTrace(int maxSpansPerTrace) {
        this.maxSpansPerTrace = maxSpansPerTrace;
    }

    /** Traces per batch request; more is a 400. */
    @JsonProperty("max_batch_size")
    public int getMaxBatchSize() {
        return maxBatchSize;
    }

    @JsonProperty("max_batch_size")
    public void setMaxBatchSize(int maxBatchSize) {
        this.maxBatchSize = maxBatchSize;
    }

    /** Request body cap for trace ingest (413 above). */
    @JsonProperty("max_payload_bytes")
    public int getMaxPayloadBytes() {
        return maxPayloadBytes;
    }

    @JsonProperty("max_payload_bytes")
    public void setMaxPayloadBytes(int maxPayloadBytes) {
        this.maxPayloadBytes = maxPayloadBytes;
    }

    /** input and output of a trace or span are cut to this many UTF-8 bytes (when kept at all). */
    @JsonProperty("max_content_bytes")
    public int getMaxContentBytes() {
        return maxContentBytes;
    }

    @JsonProperty("max_content_bytes")
    public void setMaxContentBytes(int maxContentBytes) {
        this.maxContentBytes = maxContentBytes;
    }

    /** metadata of a trace or span, as compact JSON; more is a 400. */
    @JsonProperty("max_metadata_bytes")
    public int getMaxMetadataBytes() {
        return maxMetadataBytes;
    }

    @JsonProperty("max_metadata_bytes")
    public void setMaxMetadataBytes(int maxMetadataBytes) {
        this.maxMetadataBytes = maxMetadataBytes;
    }

    /** What a project keeps of prompts and completions until it chooses (GET/PUT /v1/llm/settings). */
    @JsonProperty("default_content_storage")
    public ContentStorage getDefaultContentStorage() {
        return defaultContentStorage;
    }

    @JsonProperty("default_content_storage")
    public void setDefaultContentStorage(ContentStorage defaultContentStorage) {
        this.defaultContentStorage = defaultContentStorage;
    }

    /** Settings and prices changed by another node sharing the database apply within this many seconds (this node's own changes apply at once). */
    @JsonProperty("cache_ttl_secs")
    public int getCacheTtlSecs() {
        return cacheTtlSecs;
    }

    @JsonProperty("cache_ttl_secs")
    public void setCacheTtlSecs(int cacheTtlSecs) {
        this.cacheTtlSecs = cacheTtlSecs;
    }

    /** On shutdown, how long the writer may take to commit what is queued (the rest goes to the spill journal). */
    @JsonProperty("drain_timeout_secs")
    public int getDrainTimeoutSecs() {
        return drainTimeoutSecs;
    }

    @JsonProperty("drain_timeout_secs")
    public void setDrainTimeoutSecs(int drainTimeoutSecs) {
        this.drainTimeoutSecs = drainTimeoutSecs;
    }

    /** Disk reserved beside the database for traces a stop cannot commit. */
    @JsonProperty("spill_reserve")
    public DataSize getSpillReserve() {
        return spillReserve;
    }

    @JsonProperty("spill_reserve")
    public void setSpillReserve(DataSize spillReserve) {
        this.spillReserve = spillReserve;
    }

    /** How often llm_cost, llm_error_rate and llm_latency rules are checked besides after each flush. */
    @JsonProperty("alert_evaluation_secs")
    public int getAlertEvaluationSecs() {
        return alertEvaluationSecs;
    }

    @JsonProperty("alert_evaluation_secs")
    public void setAlertEvaluationSecs(int alertEvaluationSecs) {
        this.alertEvaluationSecs = alertEvaluationSecs;
    }

    /** OTLP import: the cap on a request body, applied before and after gzip (413 above it). */
    @JsonProperty("otlp_max_body_bytes")
    public int getOtlpMaxBodyBytes() {
        return otlpMaxBodyBytes;
    }

    @JsonProperty("otlp_max_body_bytes")
    public void setOtlpMaxBodyBytes(int otlpMaxBodyBytes) {
        this.otlpMaxBodyBytes = otlpMaxBodyBytes;
    }

    /** {@code llm_tracing.proxy}: where the LLM proxy forwards to, and its limits. */
    @JsonProperty("proxy")
    public ProxyConfig getProxy() {
        return proxy;
    }

    @JsonProperty("proxy")
    public void setProxy(ProxyConfig proxy) {
        this.proxy = proxy;
    }
}
