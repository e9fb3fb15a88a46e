package dev.bloop.service.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/** Validates and normalizes a rule's {@code config} by its type; unknown keys are refused by name. */
final class RuleConfigs {
    static final String NEW_ISSUE = "new_issue";
    static final String REGRESSION = "regression";
    static final String THRESHOLD = "threshold";
    static final String SPIKE = "spike";
    static final List<String> TYPES = List.of(NEW_ISSUE, REGRESSION, THRESHOLD, SPIKE);
    private static final long MAX_WINDOW_SECS = 7 * 24 * 3600L;

    private RuleConfigs() {
    }

    static ObjectNode validate(JsonNode config, ExternalRules external) throws InvalidAlertException {
        if (config == null || !config.isObject()) {
            throw new InvalidAlertException("config", "config must be an object with a type");
        }
        String type = config.path("type").asText("");
        if (!TYPES.contains(type) && external.has(type)) {
            return external.validate(type, config);
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode().put("type", type);
        switch (type) {
            case NEW_ISSUE, REGRESSION -> allow(config, Set.of("type"));
            case THRESHOLD -> {
                allow(config, Set.of("type", "threshold", "window_secs", "fingerprint", "route"));
                out.put("threshold", positive(config, "threshold", Long.MAX_VALUE));
                out.put("window_secs", positive(config, "window_secs", MAX_WINDOW_SECS));
                optionalText(config, out, "fingerprint");
                optionalText(config, out, "route");
            }
            case SPIKE -> {
                allow(config, Set.of("type", "multiplier", "compare_window_secs", "baseline_window_secs", "min_events"));
                JsonNode m = config.get("multiplier");
                if (m == null || !m.isNumber() || m.asDouble() <= 1.0 || m.asDouble() > 1000) {
                    throw new InvalidAlertException("config.multiplier", "config.multiplier must be a number above 1");
                }
                out.put("multiplier", m.asDouble());
                long compare = positive(config, "compare_window_secs", MAX_WINDOW_SECS);
                long baseline = positive(config, "baseline_window_secs", MAX_WINDOW_SECS);
                if (baseline <= compare) {
                    throw new InvalidAlertException("config.baseline_window_secs",
                            "config.baseline_window_secs must be longer than config.compare_window_secs");
                }
                out.put("compare_window_secs", compare);
                out.put("baseline_window_secs", baseline);
                JsonNode min = config.get("min_events");
                long minEvents = min == null || min.isNull() ? 10 : min.canConvertToLong() && min.isIntegralNumber() ? min.asLong() : -1;
                if (minEvents < 0) {
                    throw new InvalidAlertException("config.min_events", "config.min_events must be a whole number of 0 or more");
                }
                out.put("min_events", minEvents);
            }
            default -> {
                List<String> all = new java.util.ArrayList<>(TYPES);
                all.addAll(new java.util.TreeSet<>(external.names()));
                throw new InvalidAlertException("config.type", "config.type must be one of " + String.join(", ", all));
            }
        }
        return out;
    }

    private static void allow(JsonNode config, Set<String> keys) throws InvalidAlertException {
        for (Iterator<String> it = config.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!keys.contains(key)) {
                throw new InvalidAlertException("config." + key, "config." + key + " is not a setting of "
                        + config.path("type").asText() + " rules");
            }
        }
    }

    private static long positive(JsonNode config, String key, long max) throws InvalidAlertException {
        JsonNode v = config.get(key);
        if (v == null || !v.isIntegralNumber() || v.asLong() < 1 || v.asLong() > max) {
            throw new InvalidAlertException("config." + key, "config." + key + " must be a whole number from 1 to " + max);
        }
        return v.asLong();
    }

    private static void optionalText(JsonNode config, ObjectNode out, String key) throws InvalidAlertException {
        JsonNode v = config.get(key);
        if (v == null || v.isNull()) {
            return;
        }
        if (!v.isTextual() || v.asText().isBlank()) {
            throw new InvalidAlertException("config." + key, "config." + key + " must be a non-empty string");
        }
        out.put(key, v.asText());
    }
}
