package dev.bloop.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * {@code POST /v1/alerts}: a new rule. Left out: enabled, the server's default cooldown
 * ({@code alerting.default_cooldown}), no environment or source filter.
 */
public record AlertRuleCreate(
        @JsonProperty("name")
        @NotBlank(message = NAME) @Size(max = MAX_NAME, message = NAME) String name,
        @JsonProperty("description")
        @Size(max = MAX_DESCRIPTION, message = DESCRIPTION) String description,
        @JsonProperty("enabled") Boolean enabled,
        @JsonProperty("cooldown_secs")
        @Min(value = 0, message = COOLDOWN) @Max(value = MAX_COOLDOWN_SECS, message = COOLDOWN) Long cooldownSecs,
        @JsonProperty("environment_filter")
        @Pattern(regexp = AlertRuleConfig.NON_BLANK, message = ENVIRONMENT) String environmentFilter,
        @JsonProperty("source_filter")
        @Pattern(regexp = AlertRuleConfig.NON_BLANK, message = SOURCE) String sourceFilter,
        @JsonProperty("config")
        @NotNull(message = CONFIG) @Valid AlertRuleConfig config) {

    public static final int MAX_NAME = 200;
    public static final int MAX_DESCRIPTION = 2000;
    /** Thirty days. */
    public static final long MAX_COOLDOWN_SECS = 30L * 24 * 3600;
    static final String NAME = "name must be 1-200 characters";
    static final String DESCRIPTION = "description must be a string of at most 2000";
    static final String COOLDOWN = "cooldown_secs must be a whole number from 0 to 2592000";
    static final String ENVIRONMENT = "environment_filter must be a non-empty string or null";
    static final String SOURCE = "source_filter must be a non-empty string or null";
    static final String CONFIG = "config must be an object with a type";
}
