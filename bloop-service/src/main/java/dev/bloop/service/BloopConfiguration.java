package dev.bloop.service;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.bloop.service.alert.AlertConfig;
import dev.bloop.service.alert.SmtpConfig;
import dev.bloop.service.analytics.AnalyticsConfig;
import dev.bloop.service.auth.AuthConfig;
import dev.bloop.service.ingest.IngestConfig;
import dev.bloop.service.llm.LlmTracingConfig;
import dev.bloop.service.pipeline.PipelineConfig;
import dev.bloop.service.retention.RetentionConfig;
import dev.bloop.service.sentry.SentryConfig;
import dev.bloop.service.sourcemap.SourceMapConfig;
import dev.bloop.service.store.DatabaseConfig;
import dev.bloop.service.web.ConnectionsConfig;
import io.dropwizard.core.Configuration;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;

/** The whole configuration: Dropwizard's own sections plus one small config class per feature. */
public class BloopConfiguration extends Configuration {
    @Valid @NotNull private DatabaseConfig database = new DatabaseConfig();
    @Valid @NotNull private AuthConfig auth = new AuthConfig();
    @Valid @NotNull private IngestConfig ingest = new IngestConfig();
    @Valid @NotNull private PipelineConfig pipeline = new PipelineConfig();
    @Valid @NotNull private SourceMapConfig sourcemaps = new SourceMapConfig();
    @Valid @NotNull private AlertConfig alerting = new AlertConfig();
    @Valid @NotNull private SmtpConfig smtp = new SmtpConfig();
    @Valid @NotNull private RetentionConfig retention = new RetentionConfig();
    @Valid @NotNull private ConnectionsConfig connections = new ConnectionsConfig();
    @Valid @NotNull private AnalyticsConfig analytics = new AnalyticsConfig();

    @JsonProperty("analytics")
    public AnalyticsConfig getAnalytics() {
        return analytics;
    }

    @JsonProperty("analytics")
    public void setAnalytics(AnalyticsConfig analytics) {
        this.analytics = analytics;
    }

    @Valid @NotNull private SentryConfig sentry = new SentryConfig();

    /** The optional Sentry-compatible ingest (its own section; read by {@code SentryBundle}). */
    @JsonProperty("sentry")
    public SentryConfig getSentry() {
        return sentry;
    }

    @JsonProperty("sentry")
    public void setSentry(SentryConfig sentry) {
        this.sentry = sentry;
    }

    @Valid @NotNull private LlmTracingConfig llmTracing = new LlmTracingConfig();

    /** The optional LLM tracing module (its own section; off unless enabled). */
    @JsonProperty("llm_tracing")
    public LlmTracingConfig getLlmTracing() {
        return llmTracing;
    }

    @JsonProperty("llm_tracing")
    public void setLlmTracing(LlmTracingConfig llmTracing) {
        this.llmTracing = llmTracing;
    }

    @JsonProperty("connections")
    public ConnectionsConfig getConnections() {
        return connections;
    }

    @JsonProperty("connections")
    public void setConnections(ConnectionsConfig connections) {
        this.connections = connections;
    }

    @JsonProperty("retention")
    public RetentionConfig getRetention() {
        return retention;
    }

    @JsonProperty("retention")
    public void setRetention(RetentionConfig retention) {
        this.retention = retention;
    }

    @JsonProperty("alerting")
    public AlertConfig getAlerting() {
        return alerting;
    }

    @JsonProperty("alerting")
    public void setAlerting(AlertConfig alerting) {
        this.alerting = alerting;
    }

    @JsonProperty("smtp")
    public SmtpConfig getSmtp() {
        return smtp;
    }

    @JsonProperty("smtp")
    public void setSmtp(SmtpConfig smtp) {
        this.smtp = smtp;
    }

    @JsonProperty("sourcemaps")
    public SourceMapConfig getSourcemaps() {
        return sourcemaps;
    }

    @JsonProperty("sourcemaps")
    public void setSourcemaps(SourceMapConfig sourcemaps) {
        this.sourcemaps = sourcemaps;
    }

    @JsonProperty("database")
    public DatabaseConfig getDatabase() {
        return database;
    }

    @JsonProperty("database")
    public void setDatabase(DatabaseConfig database) {
        this.database = database;
    }

    @JsonProperty("auth")
    public AuthConfig getAuth() {
        return auth;
    }

    @JsonProperty("auth")
    public void setAuth(AuthConfig auth) {
        this.auth = auth;
    }

    @JsonProperty("ingest")
    public IngestConfig getIngest() {
        return ingest;
    }

    @JsonProperty("ingest")
    public void setIngest(IngestConfig ingest) {
        this.ingest = ingest;
    }

    @JsonProperty("pipeline")
    public PipelineConfig getPipeline() {
        return pipeline;
    }

    @JsonProperty("pipeline")
    public void setPipeline(PipelineConfig pipeline) {
        this.pipeline = pipeline;
    }
}
