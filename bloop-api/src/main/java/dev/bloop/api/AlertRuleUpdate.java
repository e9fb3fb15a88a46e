package dev.bloop.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.Optional;

/**
 * {@code PUT /v1/alerts/{id}}: a partial update. A field left out keeps its value; {@code null} clears
 * description and the filters, and puts the cooldown back to the server's default ({@code name},
 * {@code config} and {@code enabled} cannot be cleared). Here {@code null} is {@code Optional.empty()}
 * and a field left out is a Java {@code null}.
 */
public record AlertRuleUpdate(
        @JsonProperty("name")
        Optional<@NotBlank(message = AlertRuleCreate.NAME) @Size(max = AlertRuleCreate.MAX_NAME,
                message = AlertRuleCreate.NAME) String> name,
        @JsonProperty("description")
        Optional<@Size(max = AlertRuleCreate.MAX_DESCRIPTION, message = AlertRuleCreate.DESCRIPTION) String> description,
        @JsonProperty("enabled") Optional<Boolean> enabled,
        @JsonProperty("cooldown_secs")
        Optional<@Min(value = 0, message = AlertRuleCreate.COOLDOWN)
                @Max(value = AlertRuleCreate.MAX_COOLDOWN_SECS, message = AlertRuleCreate.COOLDOWN) Long> cooldownSecs,
        @JsonProperty("environment_filter")
        Optional<@Pattern(regexp = AlertRuleConfig.NON_BLANK, message = AlertRuleCreate.ENVIRONMENT) String> environmentFilter,
        @JsonProperty("source_filter")
        Optional<@Pattern(regexp = AlertRuleConfig.NON_BLANK, message = AlertRuleCreate.SOURCE) String> sourceFilter,
        @JsonProperty("config") Optional<@Valid AlertRuleConfig> config) {
}
