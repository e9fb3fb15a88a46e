package dev.bloop.service.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Which price applies to a span: the project's own prices before the shipped table; within each,
 * exact names before regexes and entries for the span's provider before entries for any provider;
 * then the newest entry whose {@code effective_from} is not after the span's start. Immutable: a price
 * change builds a new book. Lookups are cached per (project, model, provider).
 */
final class PriceBook {
    static final String RESOURCE = "/llm/prices.json";
    private static final Comparator<Price> ORDER = Comparator.<Price, Boolean>comparing(p -> p.regex())
            .thenComparing(p -> p.provider() == null)
            .thenComparing(Comparator.comparingLong(Price::effectiveFrom).reversed());

    private final List<Price> shipped;
    private final String shippedVersion;
    private final String shippedFingerprint;
    private final Map<String, List<Price>> overrides;
    private final Cache<Key, List<Price>> candidates = Caffeine.newBuilder().maximumSize(20_000).build();

    private record Key(String projectId, String model, String provider) {
    }

    private PriceBook(List<Price> shipped, String shippedVersion, String shippedFingerprint,
                      Map<String, List<Price>> overrides) {
        this.shipped = List.copyOf(shipped);
        this.shippedVersion = shippedVersion;
        this.shippedFingerprint = shippedFingerprint;
        this.overrides = Map.copyOf(overrides);
    }

    /** The shipped table with these project prices over it. */
    static PriceBook of(Shipped table, Map<String, List<Price>> overrides) {
        return new PriceBook(table.prices(), table.version(), table.fingerprint(), overrides);
    }

    PriceBook withOverrides(Map<String, List<Price>> newOverrides) {
        return new PriceBook(shipped, shippedVersion, shippedFingerprint, newOverrides);
    }

    List<Price> shipped() {
        return shipped;
    }

    List<Price> overrides(String projectId) {
        return overrides.getOrDefault(projectId, List.of());
    }

    Map<String, List<Price>> allOverrides() {
        return overrides;
    }

    String shippedVersion() {
        return shippedVersion;
    }

    String shippedFingerprint() {
        return shippedFingerprint;
    }

    /** The price of the model for a span of the project that started at {@code at}, or null when there is none. */
    Price resolve(String projectId, String model, String provider, long at) {
        if (model == null) {
            return null;
        }
        String lower = model.toLowerCase(Locale.ROOT);
        String scope = overrides.containsKey(projectId) ? projectId : "";
        List<Price> list = candidates.get(new Key(scope, lower, provider == null ? null : provider.toLowerCase(Locale.ROOT)),
                k -> candidates(scope, lower, k.provider()));
        for (Price p : list) {
            if (p.effectiveFrom() <= at) {
                return p;
            }
        }
        return null;
    }

    private List<Price> candidates(String scope, String lowerModel, String provider) {
        List<Price> out = new ArrayList<>();
        if (!scope.isEmpty()) {
            out.addAll(matching(overrides.get(scope), lowerModel, provider));
        }
        out.addAll(matching(shipped, lowerModel, provider));
        return List.copyOf(out);
    }

    private static List<Price> matching(List<Price> prices, String lowerModel, String provider) {
        return prices.stream().filter(p -> p.matches(lowerModel, provider)).sorted(ORDER).toList();
    }

    /** The shipped table: its entries, version and a fingerprint of its bytes. */
    record Shipped(List<Price> prices, String version, String fingerprint) {
    }

    static Shipped loadShipped(ObjectMapper json) {
        try (InputStream in = PriceBook.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the jar");
            }
            byte[] bytes = in.readAllBytes();
            JsonNode root = json.readTree(bytes);
            List<Price> prices = new ArrayList<>();
            for (JsonNode e : root.path("models")) {
                prices.add(Price.of(e.path("model").asText(), "regex".equals(e.path("match").asText()),
                        e.hasNonNull("provider") ? e.get("provider").asText() : null,
                        day(e.path("effective_from").asText()), e.path("input").asLong(), optional(e, "cache_read"),
                        optional(e, "cache_write_5m"), optional(e, "cache_write_1h"), e.path("output").asLong(),
                        optional(e, "reasoning")));
            }
            return new Shipped(prices, root.path("version").asText(), sha256(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    static long day(String isoDate) {
        return LocalDate.parse(isoDate).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    }

    static String isoDay(long epochMs) {
        return java.time.Instant.ofEpochMilli(epochMs).atZone(ZoneOffset.UTC).toLocalDate().toString();
    }

    private static Long optional(JsonNode e, String key) {
        return e.hasNonNull(key) ? e.get(key).asLong() : null;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String fingerprintOf(String text) {
        return sha256(text.getBytes(StandardCharsets.UTF_8));
    }
}
