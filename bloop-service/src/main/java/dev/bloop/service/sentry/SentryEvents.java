package dev.bloop.service.sentry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bloop.api.IngestEvent;
import dev.bloop.api.Utf8;
import dev.bloop.service.fingerprint.Fingerprinter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * A Sentry event payload as a bloop event. What is mapped:
 * <ul>
 * <li>the raised exception ({@code exception.values[-1]}, oldest to newest) gives {@code error_type}
 *     and {@code message}; its frames, innermost first, then each older exception as "Caused by", give
 *     {@code stack}; without an exception, {@code logentry}/{@code message} give the message
 *     ({@code error_type} "Message") and the thread's frames, if any, the stack;</li>
 * <li>the frames the SDK marks {@code in_app} are what the event groups by (so the grouping frame is
 *     the app's own innermost frame, as the SDK sees it); without such marks, the whole stack; a
 *     message groups by its text (and route), not by frames;</li>
 * <li>{@code release}, {@code environment} (default {@code production}), {@code transaction} or the
 *     path of {@code request.url} as the route, {@code user} (id, e-mail, user name or address)
 *     hashed, {@code contexts.app} version and build, the response status;</li>
 * <li>the platform and SDK as {@code source} ({@code web}, {@code node}, {@code python},
 *     {@code android}, {@code ios}, ...);</li>
 * <li>the event id, {@code level}, logger, SDK, {@code tags}, {@code contexts} (flat values), the
 *     request's method and URL and {@code extra} (flat values) into {@code metadata}, least useful
 *     first out when over the cap;</li>
 * <li>a {@code fingerprint} without {@code {{ default }}} as the client fingerprint.</li>
 * </ul>
 * Everything over bloop's caps is trimmed, never refused: a message is cut, a stack loses its oldest
 * frames, metadata its least useful entries.
 */
final class SentryEvents {
    static final String MESSAGE_TYPE = "Message";
    static final String NO_RELEASE = "unknown";
    static final int MAX_TEXT = 200;
    private static final int MAX_ROUTE = 512;
    private static final int MAX_TAGS = 50;
    private static final int MAX_CONTEXT_VALUES = 12;
    private static final int MAX_FINGERPRINT_CHARS = 256;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final HexFormat HEX = HexFormat.of();

    /** The bloop event, the frames it groups by (null: its whole stack), and the Sentry event id. */
    record Mapped(IngestEvent event, String groupingStack, String eventId) {
    }

    private final int maxMessageBytes;
    private final int maxStackBytes;
    private final int maxMetadataBytes;

    SentryEvents(int maxMessageBytes, int maxStackBytes, int maxMetadataBytes) {
        this.maxMessageBytes = maxMessageBytes;
        this.maxStackBytes = maxStackBytes;
        this.maxMetadataBytes = maxMetadataBytes;
    }

    /**
     * @param envelopeEventId the envelope header's {@code event_id}, which wins over the payload's
     * @param receivedAt      used when the event has no readable timestamp
     */
    Mapped map(JsonNode e, String envelopeEventId, long receivedAt) {
        String eventId = eventId(envelopeEventId);
        if (eventId == null) {
            eventId = eventId(text(e, "event_id"));
        }
        if (eventId == null) {
            eventId = UUID.randomUUID().toString().replace("-", "");
        }
        String platform = lower(text(e, "platform"));
        Stacks.Kind kind = Stacks.kind(platform);

        List<JsonNode> exceptions = exceptions(e.get("exception"));
        JsonNode raised = null;
        for (int i = exceptions.size() - 1; i >= 0 && raised == null; i--) {
            JsonNode x = exceptions.get(i);
            if (text(x, "type") != null || text(x, "value") != null) {
                raised = x;
            }
        }
        String eventMessage = message(e);
        String type;
        String message;
        boolean synthetic = raised != null && raised.path("mechanism").path("synthetic").asBoolean(false);
        if (raised != null && !(synthetic && eventMessage != null)) {
            type = synthetic ? null : text(raised, "type");
            String value = text(raised, "value");
            if (type == null) {
                type = "Error";
            }
            message = value != null ? value : eventMessage != null ? eventMessage : type;
        } else if (eventMessage != null) {
            type = MESSAGE_TYPE;
            message = eventMessage;
        } else {
            type = "Error";
            message = "(no message)";
        }
        message = Utf8.truncate(message, maxMessageBytes);
        type = cut(type, MAX_TEXT);

        // Frames: the raised exception's and its causes'; for a message, the thread that captured it.
        Stacks.Rendered stack = Stacks.render(kind, exceptions, raised, threadFrames(e), maxStackBytes);

        String release = cut(text(e, "release"), MAX_TEXT);
        String environment = cut(text(e, "environment"), MAX_TEXT);
        JsonNode contexts = e.path("contexts");
        JsonNode app = contexts.path("app");
        Integer status = null;
        JsonNode statusNode = contexts.path("response").path("status_code");
        if (statusNode.canConvertToInt() && statusNode.asInt() >= 100 && statusNode.asInt() <= 599) {
            status = statusNode.asInt();
        }
        IngestEvent event = new IngestEvent(timestamp(e.get("timestamp"), receivedAt), source(e, platform),
                environment == null ? "production" : environment, release == null ? NO_RELEASE : release,
                type, message, cut(text(app, "app_version"), MAX_TEXT), cut(text(app, "app_build"), MAX_TEXT),
                route(e), null, stack.display(), status, null, userHash(e.get("user")), null,
                fingerprint(e.get("fingerprint")), metadata(e, eventId, raised));
        // A message groups by its text (and route), as Sentry groups messages: the frames of a capture
        // call are mostly the SDK's own, and minified differently by every build of a web app.
        return new Mapped(event, MESSAGE_TYPE.equals(type) ? "" : stack.grouping(), eventId);
    }

    /** 32 lower-case hex characters (dashes removed), or null when it is not an event id. */
    static String eventId(String id) {
        if (id == null) {
            return null;
        }
        String s = id.replace("-", "").toLowerCase(Locale.ROOT);
        if (s.length() != 32) {
            return null;
        }
        for (int i = 0; i < 32; i++) {
            if (Character.digit(s.charAt(i), 16) < 0) {
                return null;
            }
        }
        return s;
    }

    /** {@code exception} as {@code {"values": [...]}}, a bare list, or one bare object. */
    static List<JsonNode> exceptions(JsonNode exception) {
        List<JsonNode> out = new ArrayList<>();
        if (exception == null || exception.isNull()) {
            return out;
        }
        JsonNode values = exception.isObject() && exception.has("values") ? exception.get("values") : exception;
        if (values.isArray()) {
            values.forEach(v -> {
                if (v.isObject()) {
                    out.add(v);
                }
            });
        } else if (values.isObject()) {
            out.add(values);
        }
        return out;
    }

    /** {@code logentry}/{@code message}: a string, or {@code {formatted, message, params}}. */
    static String message(JsonNode e) {
        for (String field : new String[] {"logentry", "message"}) {
            JsonNode m = e.get(field);
            if (m == null || m.isNull()) {
                continue;
            }
            if (m.isTextual() && !m.asText().isBlank()) {
                return m.asText();
            }
            if (m.isObject()) {
                String formatted = text(m, "formatted");
                if (formatted != null) {
                    return formatted;
                }
                String template = text(m, "message");
                if (template != null) {
                    return template;
                }
            }
        }
        return null;
    }

    /** The frames of the crashed (or else the current, or else the first) thread. */
    private static JsonNode threadFrames(JsonNode e) {
        JsonNode threads = e.get("threads");
        JsonNode values = threads != null && threads.isObject() ? threads.get("values") : threads;
        if (values == null || !values.isArray()) {
            JsonNode legacy = e.get("stacktrace");
            return legacy != null && legacy.isObject() ? legacy.get("frames") : null;
        }
        JsonNode chosen = null;
        for (JsonNode t : values) {
            JsonNode frames = t.path("stacktrace").get("frames");
            if (frames == null || !frames.isArray() || frames.isEmpty()) {
                continue;
            }
            if (t.path("crashed").asBoolean(false)) {
                return frames;
            }
            if (chosen == null || t.path("current").asBoolean(false)) {
                chosen = frames;
            }
        }
        return chosen;
    }

    /** RFC 3339 text or seconds since the epoch (a number, maybe with a fraction), in ms. */
    static long timestamp(JsonNode t, long fallback) {
        if (t == null || t.isNull()) {
            return fallback;
        }
        if (t.isNumber()) {
            double seconds = t.asDouble();
            return seconds > 0 && seconds < 1e11 ? (long) (seconds * 1000) : fallback;
        }
        if (t.isTextual()) {
            String s = t.asText().strip();
            try {
                return OffsetDateTime.parse(s).toInstant().toEpochMilli();
            } catch (DateTimeParseException notOffset) {
                try {
                    // Some SDKs leave the zone out; Sentry reads such times as UTC.
                    return LocalDateTime.parse(s).toInstant(ZoneOffset.UTC).toEpochMilli();
                } catch (DateTimeParseException notLocal) {
                    try {
                        double seconds = Double.parseDouble(s);
                        return seconds > 0 && seconds < 1e11 ? (long) (seconds * 1000) : fallback;
                    } catch (NumberFormatException notNumber) {
                        return fallback;
                    }
                }
            }
        }
        return fallback;
    }

    /**
     * The platform as a bloop source: mobile SDKs by their operating system (android, ios, ...),
     * browser JavaScript as {@code web}, servers by their platform ({@code node}, {@code python},
     * {@code java}, ...).
     */
    static String source(JsonNode e, String platform) {
        String sdk = lower(text(e.path("sdk"), "name"));
        String os = lower(text(e.path("contexts").path("os"), "name"));
        if (sdk == null) {
            sdk = "";
        }
        if (sdk.contains("android")) {
            return "android";
        }
        boolean mobile = sdk.contains("react-native") || sdk.contains("flutter") || sdk.contains("dart")
                || sdk.contains("capacitor") || sdk.contains("cordova") || sdk.contains("unity")
                || sdk.contains("maui") || sdk.contains("xamarin");
        if (mobile || "cocoa".equals(platform) || sdk.contains("cocoa") || sdk.contains("swift")) {
            if (os != null) {
                for (String name : new String[] {"android", "ios", "ipados", "macos", "tvos", "watchos", "visionos"}) {
                    if (os.equals(name) || os.equals(name.replace("os", " os"))) {
                        return name.equals("ipados") ? "ios" : name;
                    }
                }
            }
            if ("cocoa".equals(platform)) {
                return "ios";
            }
        }
        if ("javascript".equals(platform)) {
            return sdk.contains("node") || sdk.contains("bun") || sdk.contains("deno") ? "node" : "web";
        }
        StringBuilder token = new StringBuilder();
        if (platform != null) {
            for (int i = 0; i < platform.length() && token.length() < 32; i++) {
                char c = platform.charAt(i);
                if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-') {
                    token.append(c);
                }
            }
        }
        return token.length() == 0 ? "other" : token.toString();
    }

    /** {@code transaction}, else the path of {@code request.url}. */
    static String route(JsonNode e) {
        String transaction = text(e, "transaction");
        if (transaction != null) {
            return cut(transaction, MAX_ROUTE);
        }
        String url = text(e.path("request"), "url");
        if (url == null) {
            return null;
        }
        try {
            String path = new URI(url).getRawPath();
            return path == null || path.isEmpty() ? null : cut(path, MAX_ROUTE);
        } catch (java.net.URISyntaxException bad) {
            int q = url.indexOf('?');
            return cut(q < 0 ? url : url.substring(0, q), MAX_ROUTE);
        }
    }

    /** SHA-256 (first 16 bytes, hex) of the user's id, e-mail, user name or address: never the value itself. */
    static String userHash(JsonNode user) {
        if (user == null || !user.isObject()) {
            return null;
        }
        for (String field : new String[] {"id", "email", "username", "ip_address"}) {
            JsonNode v = user.get(field);
            if (v == null || v.isNull() || v.isContainerNode()) {
                continue;
            }
            String s = v.asText().strip();
            if (s.isEmpty() || s.equals("{{auto}}")) {
                continue;
            }
            return sha256(field + ":" + s);
        }
        return null;
    }

    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });

    private static String sha256(String s) {
        MessageDigest digest = SHA256.get();
        digest.reset();
        return HEX.formatHex(digest.digest(s.getBytes(StandardCharsets.UTF_8)), 0, 16);
    }

    /**
     * A Sentry {@code fingerprint} (a list of strings) as bloop's client fingerprint; null when it is
     * empty or extends the default grouping ({@code {{ default }}}), which bloop then computes.
     */
    static String fingerprint(JsonNode fp) {
        if (fp == null || !fp.isArray() || fp.isEmpty()) {
            return null;
        }
        List<String> parts = new ArrayList<>();
        for (JsonNode p : fp) {
            String s = p.isValueNode() ? p.asText() : p.toString();
            if (s.replace(" ", "").equals("{{default}}")) {
                return null;
            }
            parts.add(s);
        }
        String joined = String.join("\n", parts);
        return joined.length() <= MAX_FINGERPRINT_CHARS ? joined : "sentry:" + Fingerprinter.hash(joined);
    }

    /** What else the event says, most useful first, within the metadata cap. */
    ObjectNode metadata(JsonNode e, String eventId, JsonNode raised) {
        ObjectNode sentry = NODES.objectNode();
        sentry.put("event_id", eventId);
        putText(sentry, "level", text(e, "level"));
        putText(sentry, "logger", text(e, "logger"));
        putText(sentry, "platform", text(e, "platform"));
        String sdkName = text(e.path("sdk"), "name");
        if (sdkName != null) {
            String version = text(e.path("sdk"), "version");
            sentry.put("sdk", cut(version == null ? sdkName : sdkName + "/" + version, MAX_TEXT));
        }
        putText(sentry, "server_name", text(e, "server_name"));
        putText(sentry, "dist", text(e, "dist"));
        if (raised != null) {
            JsonNode mechanism = raised.path("mechanism");
            putText(sentry, "mechanism", text(mechanism, "type"));
            if (mechanism.has("handled") && mechanism.get("handled").isBoolean()) {
                sentry.put("handled", mechanism.get("handled").asBoolean());
            }
        }
        ObjectNode out = NODES.objectNode();
        out.set("sentry", sentry);
        ObjectNode tags = tags(e.get("tags"));
        if (!tags.isEmpty()) {
            out.set("tags", tags);
        }
        ObjectNode contexts = NODES.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = e.path("contexts").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> c = it.next();
            ObjectNode flat = flat(c.getValue(), MAX_CONTEXT_VALUES);
            if (!flat.isEmpty()) {
                contexts.set(cut(c.getKey(), 64), flat);
            }
        }
        if (!contexts.isEmpty()) {
            out.set("contexts", contexts);
        }
        JsonNode request = e.get("request");
        if (request != null && request.isObject()) {
            ObjectNode r = NODES.objectNode();
            putText(r, "method", text(request, "method"));
            String url = text(request, "url");
            if (url != null) {
                int q = url.indexOf('?');
                r.put("url", cut(q < 0 ? url : url.substring(0, q), MAX_ROUTE));
            }
            if (!r.isEmpty()) {
                out.set("request", r);
            }
        }
        ObjectNode extra = flat(e.get("extra"), MAX_CONTEXT_VALUES);
        if (!extra.isEmpty()) {
            out.set("extra", extra);
        }
        trim(out);
        return out;
    }

    /** Drops the least useful entries until the metadata fits: extra, request, contexts, then tags. */
    private void trim(ObjectNode out) {
        // The validator serialises the metadata once more: measure exactly only what may not fit.
        if (sizeAtMost(out) <= maxMetadataBytes || size(out) <= maxMetadataBytes) {
            return;
        }
        out.remove("extra");
        for (String section : new String[] {"request", "contexts", "tags"}) {
            JsonNode node = out.get(section);
            if (node instanceof ObjectNode obj) {
                List<String> names = new ArrayList<>();
                obj.fieldNames().forEachRemaining(names::add);
                for (int i = names.size() - 1; i >= 0 && size(out) > maxMetadataBytes; i--) {
                    obj.remove(names.get(i));
                }
                if (obj.isEmpty()) {
                    out.remove(section);
                }
            }
            if (size(out) <= maxMetadataBytes) {
                return;
            }
        }
        ObjectNode sentry = (ObjectNode) out.get("sentry");
        for (String field : new String[] {"dist", "server_name", "logger", "mechanism", "sdk", "platform"}) {
            if (size(out) <= maxMetadataBytes) {
                return;
            }
            sentry.remove(field);
        }
    }

    private static int size(JsonNode node) {
        return Utf8.length(node.toString());
    }

    /**
     * At least {@link #size}, without writing the JSON: every character counted at its longest
     * (escaped control characters at 6 bytes, the rest at their UTF-8 length), numbers at 32.
     */
    static int sizeAtMost(JsonNode node) {
        if (node.isObject()) {
            int n = 2;
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                n += textAtMost(field.getKey()) + 2 + sizeAtMost(field.getValue());
            }
            return n;
        }
        if (node.isArray()) {
            int n = 2;
            for (JsonNode item : node) {
                n += sizeAtMost(item) + 1;
            }
            return n;
        }
        if (node.isTextual()) {
            return textAtMost(node.textValue());
        }
        if (node.isBigInteger() || node.isBigDecimal()) {
            return node.toString().length();
        }
        return 32;
    }

    private static int textAtMost(String s) {
        int n = 2;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            n += c < 0x20 || c == '"' || c == '\\' ? 6 : c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
        }
        return n;
    }

    /** {@code tags}: an object, or a list of {@code [key, value]} pairs. */
    private static ObjectNode tags(JsonNode tags) {
        ObjectNode out = NODES.objectNode();
        if (tags == null) {
            return out;
        }
        if (tags.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = tags.fields(); it.hasNext() && out.size() < MAX_TAGS; ) {
                Map.Entry<String, JsonNode> t = it.next();
                if (t.getValue().isValueNode() && !t.getValue().isNull()) {
                    out.put(cut(t.getKey(), MAX_TEXT), cut(t.getValue().asText(), MAX_TEXT));
                }
            }
        } else if (tags.isArray()) {
            for (JsonNode pair : tags) {
                if (out.size() >= MAX_TAGS) {
                    break;
                }
                if (pair.isArray() && pair.size() == 2 && pair.get(0).isValueNode() && pair.get(1).isValueNode()
                        && !pair.get(1).isNull()) {
                    out.put(cut(pair.get(0).asText(), MAX_TEXT), cut(pair.get(1).asText(), MAX_TEXT));
                }
            }
        }
        return out;
    }

    /** The scalar fields of an object (text cut to 200 characters), at most {@code max}. */
    private static ObjectNode flat(JsonNode node, int max) {
        ObjectNode out = NODES.objectNode();
        if (node == null || !node.isObject()) {
            return out;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext() && out.size() < max; ) {
            Map.Entry<String, JsonNode> f = it.next();
            JsonNode v = f.getValue();
            String key = cut(f.getKey(), 64);
            if (v.isTextual()) {
                out.put(key, cut(v.asText(), MAX_TEXT));
            } else if (v.isNumber() || v.isBoolean()) {
                out.set(key, v);
            }
        }
        return out;
    }

    private static void putText(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, cut(value, MAX_TEXT));
        }
    }

    /** A non-blank text field, or null. */
    static String text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        if (v == null || !v.isValueNode() || v.isNull()) {
            return null;
        }
        String s = v.asText();
        return s.isBlank() ? null : s;
    }

    static String cut(String s, int maxChars) {
        if (s == null || s.length() <= maxChars) {
            return s;
        }
        int end = maxChars;
        if (Character.isHighSurrogate(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end);
    }

    private static String lower(String s) {
        return s == null ? null : s.toLowerCase(Locale.ROOT);
    }

    static Instant instant(long ms) {
        return Instant.ofEpochMilli(ms);
    }
}
