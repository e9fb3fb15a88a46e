package dev.bloop.service.alert;

import dev.bloop.service.pipeline.AcceptedEvent;
import dev.bloop.service.pipeline.FlushOutcome;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The enabled threshold and spike rules with their windows in memory. Seeded from
 * {@code minute_counts} when a rule is first seen (at start, or when it is created or changed), then
 * counted forward from each committed flush, so a crossing is found while the flush that made it is
 * handed over. Only the alert engine's one thread calls it.
 */
final class WindowRules {
    private static final Logger LOG = LoggerFactory.getLogger(WindowRules.class);
    private static final long MINUTE_MS = 60_000;
    private static final int MAX_ORIGINS = 100_000;

    /** A rule's window crossed for a group. */
    record Hit(WindowRule rule, String fingerprint, WindowRule.Crossing crossing) {
    }

    private record GroupKey(String projectId, String fingerprint) {
    }

    private record Tally(String fingerprint, String environment, long minute) {
    }

    private final AlertStore store;
    private volatile Consumer<Runnable> gate = Runnable::run;
    private final Map<Long, WindowRule> rules = new LinkedHashMap<>();
    /** Group source and route (they never change once the group exists), most recently used kept. */
    private final Map<GroupKey, WindowRule.Origin> origins = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<GroupKey, WindowRule.Origin> eldest) {
            return size() > MAX_ORIGINS;
        }
    };
    private volatile boolean any;

    WindowRules(AlertStore store) {
        this.store = store;
    }

    /** Whether any threshold or spike rule is enabled: without one, flushes need not be counted. */
    boolean any() {
        return any;
    }

    /**
     * Brings the rules in line with the database: new and changed rules are (re)seeded, disabled and
     * deleted ones dropped. Returns the rules seeded now, whose groups may already be over the line.
     */
    List<WindowRule> reconcile() {
        Map<Long, AlertStore.Rule> enabled = new LinkedHashMap<>();
        for (AlertStore.Rule r : store.enabledRules(List.of(RuleConfigs.THRESHOLD, RuleConfigs.SPIKE))) {
            enabled.put(r.id(), r);
        }
        rules.keySet().retainAll(enabled.keySet());
        List<WindowRule> seeded = new ArrayList<>();
        for (AlertStore.Rule r : enabled.values()) {
            WindowRule known = rules.get(r.id());
            if (known == null || !known.rule.equals(r)) {
                try {
                    WindowRule fresh = seed(new WindowRule(r));
                    rules.put(r.id(), fresh);
                    seeded.add(fresh);
                } catch (RuntimeException e) {
                    rules.remove(r.id());
                    LOG.error("Alert rule {} could not be read into memory; it is tried again at the next pass", r.id(), e);
                }
            }
        }
        any = !rules.isEmpty();
        return seeded;
    }

    /** After counts were lost (the engine fell behind): every rule read again from the database. */
    List<WindowRule> reseedAll() {
        rules.clear();
        return reconcile();
    }

    private WindowRule seed(WindowRule r) {
        // Between flushes, so that the stamp splits them exactly: those handed over before it are in what
        // the queries read, those after it are not. Stamped before reading and read outside the gate, a
        // flush committed meanwhile was counted twice (an alert one event early).
        gate.accept(() -> {
            r.seededAtNanos = System.nanoTime();
            long now = System.currentTimeMillis();
            long from = Math.floorDiv(now - r.horizonMs(), MINUTE_MS) * MINUTE_MS - r.totalWidth - r.recentWidth;
            store.seedCounts(r, from, r.recentWidth, (fp, index, n) -> r.seed(fp, r.recentWidth, index, n));
            if (r.spike && r.totalWidth != r.recentWidth) {
                store.seedCounts(r, from, r.totalWidth, (fp, index, n) -> r.seed(fp, r.totalWidth, index, n));
            }
        });
        return r;
    }

    /** Where seeds read: between the event writer's flushes (see {@link AlertEngine#readBetweenFlushes}). */
    void gate(Consumer<Runnable> gate) {
        this.gate = gate;
    }

    /**
     * Counts a committed flush into the windows of its projects' rules and returns the crossings
     * among the groups it touched. {@code handedOverNanos}: when the writer handed the flush over;
     * a rule seeded after that already holds its events.
     */
    List<Hit> count(FlushOutcome flush, long handedOverNanos, long now) {
        if (rules.isEmpty()) {
            return List.of();
        }
        Map<String, List<WindowRule>> byProject = new HashMap<>();
        for (WindowRule r : rules.values()) {
            if (r.seededAtNanos <= handedOverNanos) {
                byProject.computeIfAbsent(r.rule.projectId(), k -> new ArrayList<>()).add(r);
            }
        }
        Map<String, Map<Tally, Integer>> tallies = new HashMap<>();
        for (AcceptedEvent e : flush.committed()) {
            if (byProject.containsKey(e.projectId())) {
                tallies.computeIfAbsent(e.projectId(), k -> new HashMap<>()).merge(new Tally(e.fingerprint(),
                        e.event().environment(), Math.floorDiv(e.receivedAt(), MINUTE_MS) * MINUTE_MS), 1, Integer::sum);
            }
        }
        List<Hit> hits = new ArrayList<>();
        for (Map.Entry<String, Map<Tally, Integer>> project : tallies.entrySet()) {
            List<WindowRule> projectRules = byProject.get(project.getKey());
            if (projectRules.stream().anyMatch(WindowRule::needsOrigin)) {
                learnOrigins(project.getKey(), project.getValue().keySet(), flush);
            }
            for (WindowRule r : projectRules) {
                Set<String> touched = new LinkedHashSet<>();
                for (Map.Entry<Tally, Integer> t : project.getValue().entrySet()) {
                    Tally k = t.getKey();
                    WindowRule.Origin origin = r.needsOrigin() ? origins.get(new GroupKey(project.getKey(), k.fingerprint()))
                            : null;
                    if (!r.accepts(k.fingerprint(), k.environment(), origin)) {
                        continue;
                    }
                    if (r.add(k.fingerprint(), k.minute(), t.getValue())) {
                        touched.add(k.fingerprint());
                    } else if (!r.full) {
                        r.full = true;
                        LOG.warn("Alert rule {} tracks {} groups, its maximum; further groups are not counted until "
                                + "some fall out of its window", r.rule.id(), WindowRule.MAX_GROUPS);
                    }
                }
                for (String fp : touched) {
                    WindowRule.Crossing c = r.check(fp, now);
                    if (c != null) {
                        hits.add(new Hit(r, fp, c));
                    }
                }
            }
        }
        return hits;
    }

    /** Source and route of the flush's groups: new ones from their first event, others from the database. */
    private void learnOrigins(String projectId, Set<Tally> tallies, FlushOutcome flush) {
        Set<String> created = new LinkedHashSet<>();
        for (FlushOutcome.GroupChange c : flush.changes()) {
            if (c.created() && c.projectId().equals(projectId)) {
                created.add(c.fingerprint());
            }
        }
        for (AcceptedEvent e : flush.committed()) {
            if (e.projectId().equals(projectId) && created.remove(e.fingerprint())) {
                origins.put(new GroupKey(projectId, e.fingerprint()),
                        new WindowRule.Origin(e.event().source(), e.event().routeOrProcedure()));
            }
        }
        Set<String> unknown = new LinkedHashSet<>();
        for (Tally t : tallies) {
            if (!origins.containsKey(new GroupKey(projectId, t.fingerprint()))) {
                unknown.add(t.fingerprint());
            }
        }
        if (!unknown.isEmpty()) {
            store.origins(projectId, unknown).forEach((fp, o) -> origins.put(new GroupKey(projectId, fp), o));
        }
    }

    /** Every group of the rule over its line at {@code now} (after seeding: crossings while the server was down). */
    List<Hit> evaluate(WindowRule r, long now) {
        List<Hit> hits = new ArrayList<>();
        for (String fp : r.groups()) {
            WindowRule.Crossing c = r.check(fp, now);
            if (c != null) {
                hits.add(new Hit(r, fp, c));
            }
        }
        return hits;
    }

    /**
     * What no event triggers: a spike can begin while its group is quiet, as older events leave the
     * baseline. Thresholds only ever cross on an event.
     */
    List<Hit> evaluateSpikes(long now) {
        List<Hit> hits = new ArrayList<>();
        for (WindowRule r : rules.values()) {
            if (r.spike) {
                hits.addAll(evaluate(r, now));
            }
        }
        return hits;
    }

    /** Forgets groups whose windows are empty. */
    void sweep(long now) {
        rules.values().forEach(r -> r.sweep(now));
    }

    /** Groups tracked across all rules (for tests and metrics). */
    int trackedGroups() {
        return rules.values().stream().mapToInt(WindowRule::size).sum();
    }
}
