package dev.bloop.service.alert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bloop.api.AlertChannelConfig;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;

/** Validates and normalizes a channel's config by its type. */
final class ChannelConfigs {
    static final String SLACK = "slack";
    static final String WEBHOOK = "webhook";
    static final String EMAIL = "email";
    private static final int MAX_RECIPIENTS = 20;

    private ChannelConfigs() {
    }

    static ObjectNode validate(AlertChannelConfig config, TargetGuard guard, boolean smtpEnabled)
            throws InvalidAlertException {
        ObjectNode out = JsonNodeFactory.instance.objectNode().put("type", config.type());
        if (config instanceof AlertChannelConfig.SlackChannel slack) {
            out.put("webhook_url", url(slack.webhookUrl(), "webhook_url", guard));
        } else if (config instanceof AlertChannelConfig.WebhookChannel webhook) {
            if (webhook.hasSecret() != null) {
                throw new InvalidAlertException("has_secret", "has_secret is shown, not set: send secret");
            }
            out.put("url", url(webhook.url(), "url", guard));
            if (webhook.secret() != null) {
                out.put("secret", webhook.secret());
            }
        } else if (config instanceof AlertChannelConfig.EmailChannel email) {
            if (!smtpEnabled) {
                throw new InvalidAlertException("type", "email channels need an smtp server: set smtp.host (BLOOP__SMTP__HOST)");
            }
            ArrayNode to = out.putArray("to");
            recipients(email.to()).forEach(to::add);
        }
        return out;
    }

    /** A stored config as the API shows it. */
    static AlertChannelConfig typed(ObjectNode shown, ObjectMapper json) {
        try {
            return json.treeToValue(shown, AlertChannelConfig.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * The stored config as shown by the API after creation: a Slack webhook URL is a credential (whoever
     * has it can post to the channel), so only its host and last four characters are shown; a
     * webhook's secret is replaced by {@code has_secret}.
     */
    static ObjectNode redacted(ObjectNode stored) {
        ObjectNode copy = stored.deepCopy();
        if (copy.has("secret")) {
            copy.remove("secret");
            copy.put("has_secret", true);
        }
        if (copy.hasNonNull("webhook_url")) {
            copy.put("webhook_url", masked(copy.get("webhook_url").asText()));
        }
        return copy;
    }

    /** As shown once, in the answer to its creation: everything but a webhook's secret. */
    static ObjectNode created(ObjectNode stored) {
        ObjectNode copy = stored.deepCopy();
        if (copy.has("secret")) {
            copy.remove("secret");
            copy.put("has_secret", true);
        }
        return copy;
    }

    /** A short description of where the channel sends, for the delivery log: never a whole Slack URL. */
    static String target(JsonNode config) {
        return switch (config.path("type").asText()) {
            case SLACK -> masked(config.path("webhook_url").asText());
            case WEBHOOK -> config.path("url").asText();
            default -> config.path("to").toString();
        };
    }

    /** The scheme, host and the last four characters ({@code https://hooks.slack.com/…a1b2}): enough to tell two channels apart, not enough to post. */
    static String masked(String url) {
        String tail = url.length() > 4 ? url.substring(url.length() - 4) : "";
        try {
            URI uri = new URI(url);
            if (uri.getHost() != null) {
                return uri.getScheme() + "://" + uri.getHost() + "/…" + tail;
            }
        } catch (URISyntaxException e) {
            // fall through
        }
        return "…" + tail;
    }

    private static String url(String v, String key, TargetGuard guard) throws InvalidAlertException {
        URI uri;
        try {
            uri = new URI(v.trim());
        } catch (URISyntaxException e) {
            throw new InvalidAlertException(key, key + " is not a URL");
        }
        if (uri.getScheme() == null || !List.of("http", "https").contains(uri.getScheme().toLowerCase(java.util.Locale.ROOT))) {
            throw new InvalidAlertException(key, key + " must be an http or https URL");
        }
        String refusal = guard.refusal(uri);
        if (refusal != null && !refusal.endsWith("does not resolve")) {
            throw new InvalidAlertException(key, key + " is refused: " + refusal);
        }
        return uri.toString();
    }

    /** A list, or one string of addresses separated by commas or semicolons (a list of one, here). */
    private static List<String> recipients(List<String> to) throws InvalidAlertException {
        List<String> raw = new ArrayList<>();
        if (to.size() == 1) {
            for (String part : to.get(0).split("[,;]")) {
                if (!part.isBlank()) {
                    raw.add(part.trim());
                }
            }
        } else {
            for (String address : to) {
                raw.add(address == null ? "" : address.trim());
            }
        }
        if (raw.isEmpty() || raw.size() > MAX_RECIPIENTS) {
            throw new InvalidAlertException("to", "to must list 1 to " + MAX_RECIPIENTS + " e-mail addresses");
        }
        List<String> out = new ArrayList<>();
        for (String address : raw) {
            try {
                InternetAddress parsed = new InternetAddress(address, true);
                out.add(parsed.getAddress());
            } catch (AddressException e) {
                throw new InvalidAlertException("to", "'" + address + "' is not an e-mail address");
            }
        }
        return out;
    }
}
