package dev.bloop.service.errors;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bloop.api.TagBreakdown;
import dev.bloop.service.store.Database;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * How an issue's recent events split by the attributes that tell a triager where it happens:
 * environment, release and app version (event fields), browser, OS, device and locale (from
 * {@code metadata}, or a {@code user_agent} in it). Read from the group's latest {@link #SAMPLE}
 * raw events still kept, newest first, through the by-group index. Project-scoped.
 */
final class TagQueries {
    static final int SAMPLE = 5_000;
    static final int TOP_VALUES = 5;

    /** Metadata keys read for each tag, in order; a nested {@code {"name", "version"}} object is read too. */
    private static final Map<String, List<String>> METADATA_KEYS = Map.of(
            "browser", List.of("browser", "browser_name"),
            "os", List.of("os", "os_name"),
            "device", List.of("device", "device_model", "model"),
            "locale", List.of("locale", "language"));
    private static final Map<String, List<String>> VERSION_KEYS = Map.of(
            "browser", List.of("browser_version"),
            "os", List.of("os_version"));
    static final List<String> KEYS = List.of("environment", "release", "app_version", "browser", "os", "device", "locale");

    private final Jdbi reader;
    private final ObjectMapper json;

    TagQueries(Database db, ObjectMapper json) {
        this.reader = db.reader();
        this.json = json;
    }

    /** Empty when the group does not exist in the project. */
    Optional<TagBreakdown> tags(String projectId, String fingerprint) {
        return reader.withHandle(h -> {
            boolean exists = h.createQuery("SELECT 1 FROM error_groups WHERE project_id = :p AND fingerprint = :fp")
                    .bind("p", projectId).bind("fp", fingerprint).mapTo(Integer.class).findOne().isPresent();
            if (!exists) {
                return Optional.<TagBreakdown>empty();
            }
            Map<String, Map<String, Long>> counts = new LinkedHashMap<>();
            KEYS.forEach(k -> counts.put(k, new HashMap<>()));
            long[] events = {0};
            h.createQuery("SELECT environment, release, app_version, metadata FROM raw_events "
                            + "WHERE project_id = :p AND fingerprint = :fp ORDER BY received_at DESC LIMIT " + SAMPLE)
                    .bind("p", projectId).bind("fp", fingerprint)
                    .map((rs, ctx) -> {
                        events[0]++;
                        add(counts, "environment", rs.getString("environment"));
                        add(counts, "release", rs.getString("release"));
                        add(counts, "app_version", rs.getString("app_version"));
                        JsonNode metadata = parse(rs.getString("metadata"));
                        String agent = metadata == null ? null : text(metadata.get("user_agent"));
                        for (String key : List.of("browser", "os", "device", "locale")) {
                            String value = metadata == null ? null : fromMetadata(metadata, key);
                            if (value == null && agent != null) {
                                value = switch (key) {
                                    case "browser" -> UserAgents.browser(agent);
                                    case "os" -> UserAgents.os(agent);
                                    case "device" -> UserAgents.device(agent);
                                    default -> null;
                                };
                            }
                            add(counts, key, value);
                        }
                        return 0;
                    }).forEach(x -> { });
            List<TagBreakdown.Tag> tags = new ArrayList<>();
            counts.forEach((key, values) -> {
                if (values.isEmpty()) {
                    return;
                }
                List<TagBreakdown.Count> sorted = values.entrySet().stream()
                        .map(e -> new TagBreakdown.Count(e.getKey(), e.getValue()))
                        .sorted(Comparator.comparingLong(TagBreakdown.Count::count).reversed().thenComparing(TagBreakdown.Count::value))
                        .toList();
                long withValue = sorted.stream().mapToLong(TagBreakdown.Count::count).sum();
                List<TagBreakdown.Count> top = sorted.subList(0, Math.min(TOP_VALUES, sorted.size()));
                long shown = top.stream().mapToLong(TagBreakdown.Count::count).sum();
                tags.add(new TagBreakdown.Tag(key, top, withValue - shown, withValue));
            });
            return Optional.of(new TagBreakdown(events[0], tags));
        });
    }

    private static void add(Map<String, Map<String, Long>> counts, String key, String value) {
        if (value != null && !value.isBlank()) {
            String v = value.length() > 200 ? value.substring(0, 200) : value;
            counts.get(key).merge(v, 1L, Long::sum);
        }
    }

    /** "Chrome 120" from {"browser": "Chrome", "browser_version": "120"} or {"browser": {"name", "version"}}. */
    private static String fromMetadata(JsonNode metadata, String key) {
        for (String k : METADATA_KEYS.get(key)) {
            JsonNode v = metadata.get(k);
            if (v == null || v.isNull()) {
                continue;
            }
            if (v.isObject()) {
                String name = text(v.get("name"));
                if (name == null) {
                    name = text(v.get("model"));
                }
                String version = text(v.get("version"));
                if (name != null) {
                    return version == null ? name : name + " " + version;
                }
                continue;
            }
            String name = text(v);
            if (name != null) {
                for (String vk : VERSION_KEYS.getOrDefault(key, List.of())) {
                    String version = text(metadata.get(vk));
                    if (version != null) {
                        return name + " " + version;
                    }
                }
                return name;
            }
        }
        return null;
    }

    private static String text(JsonNode v) {
        if (v == null || !(v.isTextual() || v.isNumber())) {
            return null;
        }
        String s = v.asText().strip();
        return s.isEmpty() ? null : s;
    }

    private JsonNode parse(String stored) {
        if (stored == null) {
            return null;
        }
        try {
            JsonNode node = json.readTree(stored);
            return node != null && node.isObject() ? node : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
