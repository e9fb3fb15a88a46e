package dev.bloop.service.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/** Validates and normalizes a channel's config by its type. */
final class ChannelConfigs {
    static final String SLACK = "slack";
    static final String WEBHOOK = "webhook";
    static final String EMAIL = "email";
    private static final int MAX_RECIPIENTS = 20;

    private ChannelConfigs() {
    }

    static ObjectNode validate(JsonNode config, TargetGuard guard, boolean smtpEnabled) throws InvalidAlertException {
        if (config == null || !config.isObject()) {
            throw new InvalidAlertException("type", "a channel is an object with a type: slack, webhook or email");
        }
        String type = config.path("type").asText("");
        ObjectNode out = JsonNodeFactory.instance.objectNode().put("type", type);
        switch (type) {
            case SLACK -> {
                allow(config, Set.of("type", "webhook_url"));
                out.put("webhook_url", url(config, "webhook_url", guard));
            }
            case WEBHOOK -> {
                allow(config, Set.of("type", "url", "secret"));
                out.put("url", url(config, "url", guard));
                JsonNode secret = config.get("secret");
                if (secret != null && !secret.isNull()) {
                    if (!secret.isTextual() || secret.asText().length() < 8) {
                        throw new InvalidAlertException("secret", "secret must be a string of at least 8 characters");
                    }
                    out.put("secret", secret.asText());
                }
            }
            case EMAIL -> {
                allow(config, Set.of("type", "to"));
                if (!smtpEnabled) {
                    throw new InvalidAlertException("type", "email channels need an smtp server: set smtp.host (BLOOP__SMTP__HOST)");
                }
                ArrayNode to = out.putArray("to");
                recipients(config.get("to")).forEach(to::add);
            }
            default -> throw new InvalidAlertException("type", "type must be slack, webhook or email");
        }
        return out;
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

    /** {@code https://hooks.slack.com/…XXXX}: enough to tell two channels apart, not enough to post. */
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

    private static String url(JsonNode config, String key, TargetGuard guard) throws InvalidAlertException {
        JsonNode v = config.get(key);
        if (v == null || !v.isTextual()) {
            throw new InvalidAlertException(key, key + " is required");
        }
        URI uri;
        try {
            uri = new URI(v.asText().trim());
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

    private static List<String> recipients(JsonNode to) throws InvalidAlertException {
        List<String> raw = new ArrayList<>();
        if (to != null && to.isTextual()) {
            for (String part : to.asText().split("[,;]")) {
                if (!part.isBlank()) {
                    raw.add(part.trim());
                }
            }
        } else if (to != null && to.isArray()) {
            for (JsonNode n : to) {
                raw.add(n.asText().trim());
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

    private static void allow(JsonNode config, Set<String> keys) throws InvalidAlertException {
        for (Iterator<String> it = config.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!keys.contains(key)) {
                throw new InvalidAlertException(key, key + " is not a setting of " + config.path("type").asText()
                        + " channels");
            }
        }
    }
}
