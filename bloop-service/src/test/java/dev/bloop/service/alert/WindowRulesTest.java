package dev.bloop.service.alert;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bloop.api.IngestEvent;
import dev.bloop.service.fingerprint.Fingerprinter;
import dev.bloop.service.pipeline.AcceptedEvent;
import dev.bloop.service.pipeline.DeadLetters;
import dev.bloop.service.pipeline.EventQueue;
import dev.bloop.service.pipeline.EventWriter;
import dev.bloop.service.pipeline.FlushOutcome;
import dev.bloop.service.pipeline.PipelineConfig;
import dev.bloop.service.pipeline.SpillJournal;
import dev.bloop.service.store.TestDatabase;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.util.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Threshold and spike windows kept in memory: seeded from the minute counts the real writer
 * committed to a real SQLite file, then counted forward from the real writer's flush outcomes.
 */
class WindowRulesTest {
    private static final ObjectMapper JSON = Jackson.newObjectMapper();
    private static final long MINUTE = 60_000;

    @RegisterExtension
    final TestDatabase test = new TestDatabase();

    private final LinkedBlockingQueue<FlushOutcome> outcomes = new LinkedBlockingQueue<>();
    private EventQueue queue;
    private EventWriter writer;
    private AlertStore store;
    private WindowRules windows;
    private long now;

    @BeforeEach
    void setUp() {
        PipelineConfig config = new PipelineConfig();
        config.setFlushInterval(Duration.milliseconds(20));
        queue = new EventQueue(1000);
        writer = new EventWriter(queue, test.db(), JSON, config, new MetricRegistry(),
                new DeadLetters(test.db().writer(), test.db().reader()), new SpillJournal(test.dir().resolve("spill"), 0));
        writer.addListener(outcomes::add);
        writer.start();
        store = new AlertStore(test.db(), JSON);
        windows = new WindowRules(store);
        // Mid-minute, so that "a minute ago" and "now" are different buckets whatever the clock says.
        now = System.currentTimeMillis() / MINUTE * MINUTE + 30_000;
        if (now > System.currentTimeMillis()) {
            now -= MINUTE;
        }
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        writer.stop();
    }

    private static AcceptedEvent event(String source, String env, String route, String type, long receivedAt) {
        IngestEvent e = IngestEvent.of(receivedAt, source, env, "1.0", type, "boom").withRoute(route);
        return new AcceptedEvent("default", Fingerprinter.group(source, type, "boom", null, route, null), receivedAt,
                receivedAt, e, null);
    }

    /** Commits the events through the writer and returns what it handed to its listeners. */
    private FlushOutcome commit(AcceptedEvent... events) throws InterruptedException {
        assertThat(queue.offerAll(List.of(events))).isEqualTo(EventQueue.Offer.ACCEPTED);
        FlushOutcome outcome = outcomes.poll(10, TimeUnit.SECONDS);
        assertThat(outcome).as("flushed").isNotNull();
        assertThat(outcome.committed()).hasSize(events.length);
        return outcome;
    }

    private AlertStore.Rule rule(String env, String source, ObjectNode config) {
        return store.insertRule(new AlertStore.Rule(0, "default", "r", null, config.get("type").asText(), config, true,
                0, env, source, 0, 0));
    }

    private static ObjectNode threshold(long threshold, long windowSecs) {
        return JSON.createObjectNode().put("type", "threshold").put("threshold", threshold).put("window_secs", windowSecs);
    }

    @Test
    void aBucketRingSumsItsWindowAndForgetsWhatFellOut() {
        BucketRing ring = new BucketRing(MINUTE, 5 * MINUTE);
        ring.add(now - 10 * MINUTE, 7);
        ring.add(now - 2 * MINUTE, 2);
        ring.add(now, 3);
        ring.add(now - 20 * MINUTE, 100); // older than the ring holds: ignored
        assertThat(ring.sumSince(now - 5 * MINUTE)).isEqualTo(5);
        assertThat(ring.sumSince(now - MINUTE)).isEqualTo(3);
        assertThat(ring.sumSince(now + MINUTE)).isZero();
        ring.add(now + 10 * MINUTE, 1);
        assertThat(ring.sumSince(now - 5 * MINUTE)).as("moved on: the old buckets are gone").isEqualTo(1);
        assertThat(BucketRing.widthFor(300_000)).isEqualTo(MINUTE);
        assertThat(BucketRing.widthFor(24 * 3_600_000L)).isEqualTo(24 * MINUTE);
    }

    @Test
    void aThresholdIsSeededFromMinuteCountsThenCrossesOnTheFlushThatCommitsTheNextEvent() throws Exception {
        commit(event("api", "prod", "/a", "E", now - 10 * MINUTE), event("api", "prod", "/a", "E", now - 2 * MINUTE),
                event("api", "prod", "/a", "E", now - MINUTE), event("api", "prod", "/a", "E", now));
        AlertStore.Rule r = rule(null, null, threshold(3, 300));
        List<WindowRule> seeded = windows.reconcile();
        assertThat(seeded).hasSize(1);
        assertThat(windows.evaluate(seeded.get(0), now)).as("3 in the window (the 4th is older): not above 3").isEmpty();

        long handedOver = System.nanoTime();
        FlushOutcome next = commit(event("api", "prod", "/a", "E", now));
        List<WindowRules.Hit> hits = windows.count(next, handedOver, now);
        assertThat(hits).hasSize(1);
        assertThat(hits.get(0).rule().rule.id()).isEqualTo(r.id());
        assertThat(hits.get(0).crossing().count()).isEqualTo(4);
        assertThat(hits.get(0).crossing().reason()).isEqualTo("Threshold: 4 events in 300 s");
    }

    @Test
    void aFlushHandedOverBeforeTheSeedWasReadIsNotCountedTwice() throws Exception {
        long handedOver = System.nanoTime();
        FlushOutcome first = commit(event("api", "prod", "/a", "E", now));
        rule(null, null, threshold(1, 300));
        windows.reconcile();
        assertThat(windows.count(first, handedOver, now)).as("already in the seed").isEmpty();
        assertThat(windows.count(commit(event("api", "prod", "/a", "E", now)), System.nanoTime(), now)).hasSize(1);
    }

    @Test
    void onlyEventsOfTheRulesEnvironmentSourceAndRouteCount() throws Exception {
        // A group that existed before the rule: its source and route come from the database.
        commit(event("ios", "prod", "/pay", "Old", now - MINUTE));
        rule("prod", "ios", threshold(1, 300).put("route", "/pay"));
        windows.reconcile();
        FlushOutcome flush = commit(event("ios", "prod", "/pay", "Old", now), event("ios", "prod", "/pay", "New", now),
                event("ios", "prod", "/pay", "New", now), event("android", "prod", "/pay", "Other", now),
                event("android", "prod", "/pay", "Other", now), event("ios", "staging", "/pay", "Staged", now),
                event("ios", "staging", "/pay", "Staged", now), event("ios", "prod", "/cart", "Cart", now),
                event("ios", "prod", "/cart", "Cart", now));
        List<WindowRules.Hit> hits = windows.count(flush, System.nanoTime(), now);
        assertThat(hits).extracting(h -> h.crossing().count()).containsExactlyInAnyOrder(2L, 2L);
        assertThat(hits).extracting(WindowRules.Hit::fingerprint).containsExactlyInAnyOrder(
                Fingerprinter.group("ios", "Old", "boom", null, "/pay", null).fingerprint(),
                Fingerprinter.group("ios", "New", "boom", null, "/pay", null).fingerprint());
    }

    @Test
    void aSpikeCanBeginWithoutAnEventWhileTheBaselineAges() throws Exception {
        // A baseline of one event a minute from 30 to 11 minutes ago, then 15 events in the last minute.
        AcceptedEvent[] events = new AcceptedEvent[35];
        for (int m = 11; m <= 30; m++) {
            events[m - 11] = event("api", "prod", "/a", "E", now - m * MINUTE);
        }
        for (int i = 20; i < 35; i++) {
            events[i] = event("api", "prod", "/a", "E", now);
        }
        commit(events);
        rule(null, null, JSON.createObjectNode().put("type", "spike").put("multiplier", 2.0)
                .put("compare_window_secs", 600).put("baseline_window_secs", 1200).put("min_events", 3));
        windows.reconcile();
        assertThat(windows.evaluateSpikes(now)).as("15 in 10 min against 20 in 20 min: 1.5x, not 2x").isEmpty();
        List<WindowRules.Hit> later = windows.evaluateSpikes(now + 9 * MINUTE);
        assertThat(later).as("nine minutes on, half the baseline has aged out: 15 against 11").hasSize(1);
        assertThat(later.get(0).crossing().reason()).startsWith("Spike: 15 events in 600 s");
        assertThat(windows.evaluateSpikes(now + 11 * MINUTE)).as("then the burst leaves the compare window").isEmpty();
    }

    @Test
    void windowsWithNothingLeftAreForgotten() throws Exception {
        rule(null, null, threshold(100, 120));
        windows.reconcile();
        windows.count(commit(event("api", "prod", "/a", "E", now)), System.nanoTime(), now);
        assertThat(windows.trackedGroups()).isEqualTo(1);
        windows.sweep(now + MINUTE);
        assertThat(windows.trackedGroups()).isEqualTo(1);
        windows.sweep(now + 5 * MINUTE);
        assertThat(windows.trackedGroups()).isZero();
    }

    @Test
    void disabledAndDeletedRulesAreDroppedAndAChangedRuleIsSeededAgain() throws Exception {
        commit(event("api", "prod", "/a", "E", now), event("api", "prod", "/a", "E", now));
        AlertStore.Rule r = rule(null, null, threshold(5, 300));
        windows.reconcile();
        assertThat(windows.any()).isTrue();
        store.updateRule(new AlertStore.Rule(r.id(), "default", "r", null, "threshold", threshold(1, 300), true, 0, null,
                null, 0, 1));
        List<WindowRule> seeded = windows.reconcile();
        assertThat(seeded).hasSize(1);
        assertThat(windows.evaluate(seeded.get(0), now)).as("2 events, now above the new threshold of 1").hasSize(1);
        store.deleteRule("default", r.id());
        assertThat(windows.reconcile()).isEmpty();
        assertThat(windows.any()).isFalse();
    }
}
