package dev.bloop.api;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonTypeName;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;

/**
 * Where a rule notifies, chosen by {@code type}: {@code POST /v1/alerts/{id}/channels} takes one, and
 * a channel shows its own as {@code config}. Only http(s) URLs that do not point into private networks
 * (unless the server allows them) are accepted.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = AlertChannelConfig.SlackChannel.class, name = AlertChannelConfig.SLACK),
        @JsonSubTypes.Type(value = AlertChannelConfig.WebhookChannel.class, name = AlertChannelConfig.WEBHOOK),
        @JsonSubTypes.Type(value = AlertChannelConfig.EmailChannel.class, name = AlertChannelConfig.EMAIL)})
public sealed interface AlertChannelConfig extends OneOfKinds {
    String SLACK = "slack";
    String WEBHOOK = "webhook";
    String EMAIL = "email";

    /** The {@code type} it is sent with. */
    String type();

    /**
     * Posts Slack's incoming-webhook {@code {"text":...}}. The URL is a credential: shown whole only in
     * the answer that created the channel, elsewhere as its host and last four characters.
     */
    @JsonTypeName(SLACK)
    record SlackChannel(@JsonProperty("webhook_url") @NotNull(message = "webhook_url is required") String webhookUrl)
            implements AlertChannelConfig {
        @Override
        public String type() {
            return SLACK;
        }
    }

    /**
     * Posts the notification as JSON; with a {@code secret}, {@code X-Bloop-Signature} carries the hex
     * HMAC-SHA256 of the body. The secret is never shown back: {@code has_secret} says there is one.
     */
    @JsonTypeName(WEBHOOK)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record WebhookChannel(@JsonProperty("url") @NotNull(message = "url is required") String url,
                          @JsonProperty("secret")
                          @Size(min = 8, message = "secret must be a string of at least 8 characters") String secret,
                          @JsonProperty("has_secret") Boolean hasSecret) implements AlertChannelConfig {
        @Override
        public String type() {
            return WEBHOOK;
        }
    }

    /**
     * Sends through the server's {@code smtp:} section to 1-20 addresses, given as a list or as one
     * string separated by commas or semicolons; shown back as a list.
     */
    @JsonTypeName(EMAIL)
    record EmailChannel(@JsonProperty("to") @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
                        @NotNull(message = "to must list 1 to 20 e-mail addresses") List<String> to)
            implements AlertChannelConfig {
        @Override
        public String type() {
            return EMAIL;
        }
    }
}
