package dev.bloop.service.alert;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * One enabled threshold or spike rule and, per group it has seen, the events inside its window, kept
 * in memory so that a crossing is noticed when the writer commits the event that makes it, not on the
 * next scheduled pass. Only the alert engine's one thread touches it.
 *
 * <p>Windows are counted like {@code minute_counts} (by server receive time) in buckets of a minute,
 * or of a sixtieth of the window for windows over an hour. A spike rule keeps two rings: the compare
 * window, and the compare plus baseline window (the baseline is their difference).
 */
final class WindowRule {
    /** A rule's window, with more groups than this, stops taking new groups (and says so once). */
    static final int MAX_GROUPS = 50_000;

    /** What a crossing reports. */
    record Crossing(long count, String reason) {
    }

    /** A group's source and route as stored on the group (its first event's), for the rule's filters. */
    record Origin(String source, String route) {
    }

    private static final class Group {
        final BucketRing recent;
        final BucketRing total;

        Group(BucketRing recent, BucketRing total) {
            this.recent = recent;
            this.total = total;
        }
    }

    final AlertStore.Rule rule;
    final boolean spike;
    /** Threshold: the window. Spike: the compare window. */
    final long windowMs;
    final long baselineMs;
    final long threshold;
    final double multiplier;
    final long minEvents;
    final String fingerprint;
    final String route;
    final long recentWidth;
    final long totalWidth;
    /** When the seed from the database was read: flushes handed over before it are in the seed already. */
    long seededAtNanos;
    boolean full;
    private final Map<String, Group> groups = new HashMap<>();

    WindowRule(AlertStore.Rule rule) {
        this.rule = rule;
        ObjectNode c = rule.config();
        this.spike = RuleConfigs.SPIKE.equals(rule.type());
        if (spike) {
            this.windowMs = c.path("compare_window_secs").asLong() * 1000;
            this.baselineMs = c.path("baseline_window_secs").asLong() * 1000;
            this.threshold = 0;
            this.multiplier = c.path("multiplier").asDouble();
            this.minEvents = Math.max(1, c.path("min_events").asLong());
            this.fingerprint = null;
            this.route = null;
            this.recentWidth = BucketRing.widthFor(windowMs);
            this.totalWidth = BucketRing.widthFor(windowMs + baselineMs);
        } else {
            this.windowMs = c.path("window_secs").asLong() * 1000;
            this.baselineMs = 0;
            this.threshold = c.path("threshold").asLong();
            this.multiplier = 0;
            this.minEvents = 0;
            this.fingerprint = c.hasNonNull("fingerprint") ? c.get("fingerprint").asText() : null;
            this.route = c.hasNonNull("route") ? c.get("route").asText() : null;
            this.recentWidth = BucketRing.widthFor(windowMs);
            this.totalWidth = 0;
        }
    }

    /** The oldest receive time any window of this rule looks at. */
    long horizonMs() {
        return windowMs + baselineMs;
    }

    boolean needsOrigin() {
        return route != null || rule.sourceFilter() != null;
    }

    /** Whether events of this group and environment count for the rule. */
    boolean accepts(String fp, String environment, Origin origin) {
        return (rule.environmentFilter() == null || rule.environmentFilter().equals(environment))
                && (fingerprint == null || fingerprint.equals(fp))
                && (route == null || origin != null && route.equals(origin.route()))
                && (rule.sourceFilter() == null || origin != null && rule.sourceFilter().equals(origin.source()));
    }

    /** Counts {@code n} events of the group received at {@code at}; false when the rule is full. */
    boolean add(String fp, long at, int n) {
        Group g = groups.get(fp);
        if (g == null) {
            if (groups.size() >= MAX_GROUPS) {
                return false;
            }
            g = new Group(new BucketRing(recentWidth, windowMs), spike ? new BucketRing(totalWidth, horizonMs()) : null);
            groups.put(fp, g);
        }
        g.recent.add(at, n);
        if (g.total != null) {
            g.total.add(at, n);
        }
        return true;
    }

    /** Adds a seeded bucket: {@code index} counts buckets of {@code width} ms since the epoch. */
    void seed(String fp, long width, long index, int n) {
        Group g = groups.get(fp);
        if (g == null) {
            if (groups.size() >= MAX_GROUPS) {
                return;
            }
            g = new Group(new BucketRing(recentWidth, windowMs), spike ? new BucketRing(totalWidth, horizonMs()) : null);
            groups.put(fp, g);
        }
        if (width == recentWidth) {
            g.recent.add(index * width, n);
        }
        if (g.total != null && width == totalWidth) {
            g.total.add(index * width, n);
        }
    }

    /** The crossing at {@code now} for the group, or null. */
    Crossing check(String fp, long now) {
        Group g = groups.get(fp);
        if (g == null) {
            return null;
        }
        long recent = g.recent.sumSince(now - windowMs);
        if (!spike) {
            return recent > threshold
                    ? new Crossing(recent, "Threshold: " + recent + " events in " + windowMs / 1000 + " s") : null;
        }
        if (recent < minEvents) {
            return null;
        }
        long baseline = Math.max(0, g.total.sumSince(now - windowMs - baselineMs) - recent);
        double recentRate = (double) recent / windowMs;
        double baselineRate = (double) baseline / baselineMs;
        if (recentRate <= multiplier * baselineRate) {
            return null;
        }
        return new Crossing(recent, String.format(Locale.ROOT, "Spike: %d events in %d s, %.1fx the baseline rate",
                recent, windowMs / 1000, baselineRate == 0 ? Double.POSITIVE_INFINITY : recentRate / baselineRate));
    }

    Iterable<String> groups() {
        return groups.keySet();
    }

    int size() {
        return groups.size();
    }

    /** Forgets groups with nothing left in any window at {@code now}. */
    void sweep(long now) {
        for (Iterator<Map.Entry<String, Group>> it = groups.entrySet().iterator(); it.hasNext(); ) {
            Group g = it.next().getValue();
            long left = g.total != null ? g.total.sumSince(now - horizonMs()) : g.recent.sumSince(now - windowMs);
            if (left == 0) {
                it.remove();
            }
        }
        full = false;
    }
}
