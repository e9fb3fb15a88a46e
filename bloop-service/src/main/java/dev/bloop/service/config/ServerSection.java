package dev.bloop.service.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Expands bloop's short {@code server:} section ({@code host, port, admin_host, admin_port, ...})
 * into Dropwizard's server factory, so that users and {@code BLOOP__SERVER__PORT} deal with the
 * names the product documents. A section that already has Dropwizard's {@code type} or connector
 * lists is passed through untouched for operators who need the full factory.
 */
final class ServerSection {
    static final String DEFAULT_HOST = "0.0.0.0";
    static final int DEFAULT_PORT = 5332;
    static final String DEFAULT_ADMIN_HOST = "127.0.0.1";
    static final int DEFAULT_ADMIN_PORT = 5333;
    static final int DEFAULT_MAX_THREADS = 128;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Map<String, String> PASSTHROUGH = Map.of(
            "max_threads", "maxThreads",
            "min_threads", "minThreads",
            "shutdown_grace_period", "shutdownGracePeriod",
            "max_queued_requests", "maxQueuedRequests");

    private ServerSection() {
    }

    static List<String> expand(ObjectNode root) {
        List<String> errors = new ArrayList<>();
        JsonNode given = root.get("server");
        if (given != null && !given.isNull() && !given.isObject()) {
            errors.add("server: must be a section");
            return errors;
        }
        ObjectNode server = given == null || given.isNull() ? NODES.objectNode() : (ObjectNode) given;
        if (server.has("type") || server.has("applicationConnectors")) {
            return errors;
        }
        ObjectNode factory = NODES.objectNode();
        factory.put("type", "default");
        ArrayNode application = connectors(text(server, "host", DEFAULT_HOST, errors),
                port(server, "port", DEFAULT_PORT, errors));
        // One selector per core, at least two: the Sentry module handles small envelopes on the selector
        // thread that read them (sentry.SelectorLane), so the selectors do ingest work. Jetty's default (half
        // the cores) left one selector on two cores, the bottleneck at ~6,900 envelopes/s (bench/sentry.sh).
        ((ObjectNode) application.get(0)).put("selectorThreads", Math.max(2, Runtime.getRuntime().availableProcessors()));
        factory.set("applicationConnectors", application);
        factory.set("adminConnectors", connectors(
                text(server, "admin_host", DEFAULT_ADMIN_HOST, errors),
                port(server, "admin_port", DEFAULT_ADMIN_PORT, errors)));
        // No request log: it costs more CPU per ingest call than the ingest work itself.
        ObjectNode requestLog = NODES.objectNode();
        requestLog.set("appenders", NODES.arrayNode());
        factory.set("requestLog", requestLog);
        // Async ingest needs few threads; Dropwizard's default of 1,024 would let a flood of slow requests
        // to other routes take hundreds of megabytes of stacks on a 1-2 GB box.
        factory.put("maxThreads", DEFAULT_MAX_THREADS);
        for (Iterator<Map.Entry<String, JsonNode>> it = server.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String key = field.getKey();
            if (PASSTHROUGH.containsKey(key)) {
                factory.set(PASSTHROUGH.get(key), field.getValue());
            } else if (!List.of("host", "port", "admin_host", "admin_port").contains(key)) {
                errors.add("server." + key + ": unknown key (known: host, port, admin_host, admin_port, "
                        + String.join(", ", PASSTHROUGH.keySet()) + ")");
            }
        }
        root.set("server", factory);
        return errors;
    }

    private static ArrayNode connectors(String host, int port) {
        ObjectNode http = NODES.objectNode();
        http.put("type", "http");
        http.put("bindHost", host);
        http.put("port", port);
        ArrayNode list = NODES.arrayNode();
        list.add(http);
        return list;
    }

    private static String text(ObjectNode server, String key, String fallback, List<String> errors) {
        JsonNode value = server.get(key);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isValueNode() || value.asText().isBlank()) {
            errors.add("server." + key + ": must be a host name or address");
            return fallback;
        }
        return value.asText();
    }

    private static int port(ObjectNode server, String key, int fallback, List<String> errors) {
        JsonNode value = server.get(key);
        if (value == null || value.isNull()) {
            return fallback;
        }
        String envName = EnvOverrides.PREFIX + "SERVER__" + key.toUpperCase(java.util.Locale.ROOT);
        try {
            int port = value.isIntegralNumber() ? value.intValue() : Integer.parseInt(value.asText().trim());
            if (port < 0 || port > 65535 || (value.isIntegralNumber() && !value.canConvertToInt())) {
                errors.add("server." + key + " (" + envName + "): must be a port between 0 and 65535, got " + value.asText());
                return fallback;
            }
            return port;
        } catch (NumberFormatException e) {
            errors.add("server." + key + " (" + envName + "): must be a port number, got '" + value.asText() + "'");
            return fallback;
        }
    }
}
