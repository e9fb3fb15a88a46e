package dev.bloop.service.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Applies {@code BLOOP__SECTION__KEY=value} environment variables to a parsed config tree.
 * Segments match existing keys case-insensitively, so {@code BLOOP__SERVER__ADMIN_PORT} reaches
 * {@code server.admin_port}. A value for a key that holds a number or a boolean must parse as one,
 * otherwise start-up fails naming the variable: a typo in a port must not become a crash later.
 */
final class EnvOverrides {
    static final String PREFIX = "BLOOP__";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private EnvOverrides() {
    }

    static List<String> apply(ObjectNode root, Map<String, String> env) {
        List<String> errors = new ArrayList<>();
        // Sorted so that the result does not depend on the environment's iteration order.
        for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
            String name = e.getKey();
            if (!name.startsWith(PREFIX) || name.length() == PREFIX.length()) {
                continue;
            }
            String[] segments = name.substring(PREFIX.length()).toLowerCase(Locale.ROOT).split("__");
            String error = set(root, segments, e.getValue(), name);
            if (error != null) {
                errors.add(error);
            }
        }
        return errors;
    }

    private static String set(ObjectNode root, String[] segments, String value, String envName) {
        JsonNode parent = root;
        for (int i = 0; i < segments.length - 1; i++) {
            String segment = segments[i];
            if (segment.isEmpty()) {
                return envName + ": empty path segment";
            }
            JsonNode child = child(parent, segment);
            if (child == null || child.isNull()) {
                if (!(parent instanceof ObjectNode obj)) {
                    return envName + ": no such config key";
                }
                child = NODES.objectNode();
                obj.set(segment, child);
            } else if (!child.isContainerNode()) {
                return envName + ": '" + segment + "' is a value, not a section";
            }
            parent = child;
        }
        String last = segments[segments.length - 1];
        if (last.isEmpty()) {
            return envName + ": empty path segment";
        }
        JsonNode existing = child(parent, last);
        JsonNode converted;
        try {
            converted = convert(existing, value);
        } catch (IllegalArgumentException bad) {
            return envName + ": " + bad.getMessage() + ", got '" + value + "'";
        }
        if (parent instanceof ObjectNode obj) {
            obj.set(existingName(obj, last), converted);
        } else if (parent instanceof ArrayNode arr) {
            int index = arrayIndex(last);
            if (index < 0 || index >= arr.size()) {
                return envName + ": no element " + last + " in that list";
            }
            arr.set(index, converted);
        }
        return null;
    }

    private static JsonNode convert(JsonNode existing, String value) {
        String trimmed = value.trim();
        if (existing != null && existing.isIntegralNumber()) {
            try {
                return NODES.numberNode(Long.parseLong(trimmed));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("expected a whole number");
            }
        }
        if (existing != null && existing.isNumber()) {
            try {
                return NODES.numberNode(Double.parseDouble(trimmed));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("expected a number");
            }
        }
        if (existing != null && existing.isBoolean()) {
            if (trimmed.equalsIgnoreCase("true") || trimmed.equalsIgnoreCase("false")) {
                return NODES.booleanNode(Boolean.parseBoolean(trimmed.toLowerCase(Locale.ROOT)));
            }
            throw new IllegalArgumentException("expected true or false");
        }
        // Unknown or textual keys stay text; the configuration binder converts and names the key.
        return NODES.textNode(value);
    }

    private static JsonNode child(JsonNode parent, String segment) {
        if (parent instanceof ArrayNode arr) {
            int index = arrayIndex(segment);
            return index >= 0 && index < arr.size() ? arr.get(index) : null;
        }
        if (parent instanceof ObjectNode obj) {
            return obj.get(existingName(obj, segment));
        }
        return null;
    }

    private static String existingName(ObjectNode obj, String segment) {
        for (Iterator<String> it = obj.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (field.equalsIgnoreCase(segment)) {
                return field;
            }
        }
        return segment;
    }

    private static int arrayIndex(String segment) {
        try {
            return Integer.parseInt(segment);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
