package dev.bloop.service.sentry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bloop.service.releases.ReleaseHealthStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The non-event items bloop uses: {@code session} (one session update) and {@code sessions}
 * (pre-aggregated by server SDKs) for release health, and {@code client_report} (what the SDK
 * dropped, by reason and category) for the ingest ledger. Items that do not make sense are ignored
 * (an SDK cannot fix them): a session without a release, a negative count.
 */
final class SentryItems {
    /** At most this many aggregate buckets per item, and discarded-event entries per report. */
    static final int MAX_ENTRIES = 100;
    private static final long MAX_COUNT = 1_000_000;

    private SentryItems() {
    }

    static ReleaseHealthStore.Update session(JsonNode s, long receivedAt) {
        if (s == null || !s.isObject()) {
            return null;
        }
        JsonNode attrs = s.path("attrs");
        String release = SentryEvents.cut(SentryEvents.text(attrs, "release"), SentryEvents.MAX_TEXT);
        if (release == null) {
            return null;
        }
        String environment = environment(attrs);
        ReleaseHealthStore.Status status = switch (String.valueOf(SentryEvents.text(s, "status")).toLowerCase(Locale.ROOT)) {
            case "exited" -> ReleaseHealthStore.Status.EXITED;
            case "crashed" -> ReleaseHealthStore.Status.CRASHED;
            case "abnormal" -> ReleaseHealthStore.Status.ABNORMAL;
            case "errored" -> ReleaseHealthStore.Status.ERRORED;
            default -> ReleaseHealthStore.Status.OK;
        };
        return new ReleaseHealthStore.Update(release, environment, id(SentryEvents.text(s, "sid")),
                id(SentryEvents.text(s, "did")), s.path("init").asBoolean(false), status, count(s.get("errors")),
                receivedAt);
    }

    static List<ReleaseHealthStore.Aggregate> sessions(JsonNode s, long receivedAt) {
        List<ReleaseHealthStore.Aggregate> out = new ArrayList<>();
        if (s == null || !s.isObject()) {
            return out;
        }
        JsonNode attrs = s.path("attrs");
        String release = SentryEvents.cut(SentryEvents.text(attrs, "release"), SentryEvents.MAX_TEXT);
        JsonNode aggregates = s.get("aggregates");
        if (release == null || aggregates == null || !aggregates.isArray()) {
            return out;
        }
        String environment = environment(attrs);
        for (JsonNode a : aggregates) {
            if (out.size() >= MAX_ENTRIES) {
                break;
            }
            if (a.isObject()) {
                out.add(new ReleaseHealthStore.Aggregate(release, environment, id(SentryEvents.text(a, "did")),
                        count(a.get("exited")), count(a.get("errored")), count(a.get("abnormal")),
                        count(a.get("crashed")), receivedAt));
            }
        }
        return out;
    }

    /**
     * What a client report says the SDK dropped, as ledger reasons {@code sdk:<reason>:<category>}
     * with their quantities. Reasons and categories are Sentry's words; anything else is "other", so a
     * client cannot create unbounded ledger rows.
     */
    static Map<String, Long> clientReport(JsonNode r) {
        Map<String, Long> out = new LinkedHashMap<>();
        if (r == null || !r.isObject()) {
            return out;
        }
        for (String list : new String[] {"discarded_events", "discarded_spans"}) {
            JsonNode entries = r.get(list);
            if (entries == null || !entries.isArray()) {
                continue;
            }
            int n = 0;
            for (JsonNode d : entries) {
                if (++n > MAX_ENTRIES) {
                    break;
                }
                long quantity = count(d.get("quantity"));
                if (quantity == 0) {
                    continue;
                }
                String key = "sdk:" + word(SentryEvents.text(d, "reason")) + ":" + word(SentryEvents.text(d, "category"));
                out.merge(key, quantity, Long::sum);
            }
        }
        return out;
    }

    /** A Sentry reason or category word ({@code [a-z0-9_]}, at most 32 characters), else "other". */
    static String word(String s) {
        if (s == null || s.isEmpty() || s.length() > 32) {
            return "other";
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
                return "other";
            }
        }
        return s;
    }

    private static String environment(JsonNode attrs) {
        String env = SentryEvents.cut(SentryEvents.text(attrs, "environment"), SentryEvents.MAX_TEXT);
        return env == null ? "production" : env;
    }

    private static String id(String s) {
        return s == null ? null : SentryEvents.cut(s, 200);
    }

    private static long count(JsonNode n) {
        if (n == null || !n.isNumber()) {
            return 0;
        }
        long v = n.asLong();
        return v <= 0 ? 0 : Math.min(v, MAX_COUNT);
    }
}
