package dev.bloop.service.sentry;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code X-Sentry-Rate-Limits} values: {@code <seconds>:<category;category>:<scope>[:<reason>]},
 * an empty category list meaning all of them. SDKs drop what a limit covers until it runs out
 * (and report the drops in client reports); a limit may come on a 200 too.
 */
final class RateLimits {
    /** The rate-limit category of each item type bloop skips; types not listed are skipped without a limit. */
    static final Map<String, String> SKIPPED_CATEGORIES = Map.ofEntries(
            Map.entry("transaction", "transaction"), Map.entry("span", "span"),
            Map.entry("attachment", "attachment"), Map.entry("profile", "profile"),
            Map.entry("profile_chunk", "profile_chunk"), Map.entry("replay_event", "replay"),
            Map.entry("replay_recording", "replay"), Map.entry("replay_video", "replay"),
            Map.entry("check_in", "monitor"), Map.entry("log", "log_item"), Map.entry("otel_log", "log_item"),
            Map.entry("statsd", "metric_bucket"), Map.entry("metric_meta", "metric_bucket"),
            Map.entry("feedback", "feedback"));

    private RateLimits() {
    }

    /** Everything, for a while: the server is overloaded or storage is failing. */
    static String all(long seconds, String reason) {
        return seconds + "::organization:" + reason;
    }

    /** Error events of this project: its quota is used up. */
    static String events(long seconds) {
        return seconds + ":error;default:project:quota";
    }

    /** The categories of skipped item types, or null when none has one. */
    static String skipped(Set<String> itemTypes, long seconds) {
        Set<String> categories = new TreeSet<>();
        for (String type : itemTypes) {
            String c = SKIPPED_CATEGORIES.get(type);
            if (c != null) {
                categories.add(c);
            }
        }
        return categories.isEmpty() ? null : seconds + ":" + String.join(";", categories) + ":organization";
    }
}
