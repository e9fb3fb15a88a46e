package dev.bloop.service.alert;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MinDuration;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.util.concurrent.TimeUnit;

/** {@code alerting:} delivery behaviour and the defaults of rules. */
public class AlertConfig {
    private boolean allowPrivateTargets;
    @NotNull private String baseUrl = "http://localhost:5332";
    @Min(0) private long defaultCooldownSecs = 900;
    @NotNull @MinDuration(value = 100, unit = TimeUnit.MILLISECONDS)
    private Duration evaluationInterval = Duration.seconds(10);
    @NotNull @MinDuration(value = 100, unit = TimeUnit.MILLISECONDS)
    private Duration deliveryTimeout = Duration.seconds(10);
    @Min(1) @Max(10) private int deliveryAttempts = 3;
    @Min(1) private int deliveryQueue = 1_000;
    private String defaultSlackWebhookUrl;
    private String defaultWebhookUrl;

    /** Refused unless true: targets on loopback, private or link-local addresses (after DNS resolution). */
    @JsonProperty("allow_private_targets")
    public boolean isAllowPrivateTargets() {
        return allowPrivateTargets;
    }

    @JsonProperty("allow_private_targets")
    public void setAllowPrivateTargets(boolean allowPrivateTargets) {
        this.allowPrivateTargets = allowPrivateTargets;
    }

    /** Where people open bloop: links in notifications point here. */
    @JsonProperty("base_url")
    public String getBaseUrl() {
        return baseUrl;
    }

    @JsonProperty("base_url")
    public void setBaseUrl(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    @JsonProperty("default_cooldown_secs")
    public long getDefaultCooldownSecs() {
        return defaultCooldownSecs;
    }

    @JsonProperty("default_cooldown_secs")
    public void setDefaultCooldownSecs(long defaultCooldownSecs) {
        this.defaultCooldownSecs = defaultCooldownSecs;
    }

    /** How often threshold and spike rules are evaluated. */
    @JsonProperty("evaluation_interval")
    public Duration getEvaluationInterval() {
        return evaluationInterval;
    }

    @JsonProperty("evaluation_interval")
    public void setEvaluationInterval(Duration evaluationInterval) {
        this.evaluationInterval = evaluationInterval;
    }

    @JsonProperty("delivery_timeout")
    public Duration getDeliveryTimeout() {
        return deliveryTimeout;
    }

    @JsonProperty("delivery_timeout")
    public void setDeliveryTimeout(Duration deliveryTimeout) {
        this.deliveryTimeout = deliveryTimeout;
    }

    @JsonProperty("delivery_attempts")
    public int getDeliveryAttempts() {
        return deliveryAttempts;
    }

    @JsonProperty("delivery_attempts")
    public void setDeliveryAttempts(int deliveryAttempts) {
        this.deliveryAttempts = deliveryAttempts;
    }

    @JsonProperty("delivery_queue")
    public int getDeliveryQueue() {
        return deliveryQueue;
    }

    @JsonProperty("delivery_queue")
    public void setDeliveryQueue(int deliveryQueue) {
        this.deliveryQueue = deliveryQueue;
    }

    /** The Slack channel of rules without channels; BLOOP_SLACK_WEBHOOK_URL sets it too. */
    @JsonProperty("default_slack_webhook_url")
    public String getDefaultSlackWebhookUrl() {
        return defaultSlackWebhookUrl;
    }

    @JsonProperty("default_slack_webhook_url")
    public void setDefaultSlackWebhookUrl(String defaultSlackWebhookUrl) {
        this.defaultSlackWebhookUrl = defaultSlackWebhookUrl;
    }

    /** The webhook of rules without channels; BLOOP_WEBHOOK_URL sets it too. */
    @JsonProperty("default_webhook_url")
    public String getDefaultWebhookUrl() {
        return defaultWebhookUrl;
    }

    @JsonProperty("default_webhook_url")
    public void setDefaultWebhookUrl(String defaultWebhookUrl) {
        this.defaultWebhookUrl = defaultWebhookUrl;
    }
}
