package dev.bloop.service.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.bloop.api.IngestEvent;
import dev.bloop.service.fingerprint.Fingerprinter;
import dev.bloop.service.store.TestDatabase;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.util.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class EventWriterTest {
    private static final long HOUR = 3_600_000L;
    private static final ObjectMapper JSON = Jackson.newObjectMapper();

    @RegisterExtension
    final TestDatabase test = new TestDatabase();

    private EventQueue queue;
    private EventWriter writer;
    private final List<FlushOutcome> outcomes = new ArrayList<>();

    @BeforeEach
    void startWriter() {
        startWriter(Duration.seconds(10));
    }

    private void restartWriter(Duration sampleInterval) throws InterruptedException {
        writer.stop();
        startWriter(sampleInterval);
    }

    private void startWriter(Duration sampleInterval) {
        startWriter(sampleInterval, Duration.milliseconds(20));
    }

    private void startWriter(Duration sampleInterval, Duration flushInterval) {
        PipelineConfig config = new PipelineConfig();
        config.setFlushInterval(flushInterval);
        config.setSampleReservoirSize(3);
        config.setSampleInterval(sampleInterval);
        queue = new EventQueue(1000);
        writer = new EventWriter(queue, test.db(), JSON, config, new MetricRegistry(),
                new DeadLetters(test.db().writer(), test.db().reader()), new SpillJournal(test.dir().resolve("spill"), 0));
        writer.addListener(outcomes::add);
        writer.start();
    }

    @AfterEach
    void stopWriter() throws InterruptedException {
        writer.stop();
    }

    private static AcceptedEvent event(String project, String release, String env, String message, long receivedAt) {
        IngestEvent e = IngestEvent.of(receivedAt, "api", env, release, "TypeError", message).withRoute("/users");
        return new AcceptedEvent(project, Fingerprinter.group("api", "TypeError", message, null, "/users", null),
                receivedAt, receivedAt, e, null);
    }

    private void writeAndWait(List<AcceptedEvent> events) throws InterruptedException {
        long before = test.count("SELECT count(*) FROM raw_events");
        assertThat(queue.offerAll(events)).isEqualTo(EventQueue.Offer.ACCEPTED);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (test.count("SELECT count(*) FROM raw_events") < before + events.size()) {
            assertThat(System.nanoTime()).as("events committed in time").isLessThan(deadline);
            Thread.sleep(10);
        }
        Thread.sleep(50); // listeners run right after the commit
    }

    @Test
    void anEventSomeoneWaitsForIsCommittedAsSoonAsTheQueueRunsDryNotAtTheFlushInterval() throws Exception {
        writer.stop();
        startWriter(Duration.seconds(10), Duration.seconds(30));
        long now = System.currentTimeMillis();
        // Acknowledged when queued: it waits for the interval (or a full batch), so nothing is committed yet.
        assertThat(queue.offerAll(List.of(event("default", "1.0", "prod", "queued only", now))))
                .isEqualTo(EventQueue.Offer.ACCEPTED);
        Thread.sleep(1000);
        assertThat(test.count("SELECT count(*) FROM raw_events")).isZero();
        // ack: committed — a client waits: the batch (with the queued event) is committed at once.
        java.util.concurrent.CountDownLatch kept = new java.util.concurrent.CountDownLatch(1);
        AcceptedEvent awaited = event("default", "1.0", "prod", "awaited", now).withWaiter(new CommitWaiter(1, kept::countDown));
        long start = System.nanoTime();
        assertThat(queue.offerAll(List.of(awaited))).isEqualTo(EventQueue.Offer.ACCEPTED);
        assertThat(kept.await(5, TimeUnit.SECONDS)).as("answered long before the 30 s interval").isTrue();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(5000);
        assertThat(test.count("SELECT count(*) FROM raw_events")).isEqualTo(2);
    }

    @Test
    void eventsOfOneBugAggregateIntoOneGroupWithCountsPerReleaseEnvironmentAndHour() throws Exception {
        long t0 = 1_700_000_000_000L;
        writeAndWait(List.of(
                event("default", "1.0", "prod", "User 1 not found", t0),
                event("default", "1.0", "staging", "User 2 not found", t0 + 1000),
                event("default", "1.1", "prod", "User 3 not found", t0 + HOUR)));

        String fp = Fingerprinter.group("api", "TypeError", "User 9 not found", null, "/users", null).fingerprint();
        Map<String, Object> group = test.read(h -> h.createQuery(
                "SELECT status, total_count, first_seen, last_seen, last_release, message, grouping_message, grouping_route "
                        + "FROM error_groups WHERE project_id = 'default' AND fingerprint = ?").bind(0, fp).mapToMap().one());
        assertThat(group).containsEntry("status", "unresolved").containsEntry("total_count", 3)
                .containsEntry("first_seen", t0).containsEntry("last_seen", t0 + HOUR)
                .containsEntry("last_release", "1.1").containsEntry("message", "User 1 not found")
                .containsEntry("grouping_message", "user <n> not found").containsEntry("grouping_route", "/users");
        assertThat(test.count("SELECT sum(count) FROM group_counts WHERE fingerprint = ? AND release = '1.0'", fp)).isEqualTo(2);
        assertThat(test.count("SELECT sum(count) FROM group_counts WHERE fingerprint = ? AND release = '1.1'", fp)).isEqualTo(1);
        assertThat(test.count("SELECT sum(count) FROM group_counts WHERE fingerprint = ? AND environment = 'prod'", fp)).isEqualTo(2);
        assertThat(test.count("SELECT count FROM group_counts WHERE fingerprint = ? AND release = '1.0' "
                + "AND environment = 'staging'", fp)).isEqualTo(1);
        assertThat(test.count("SELECT count(*) FROM hourly_counts WHERE fingerprint = ?", fp)).isEqualTo(3);
        assertThat(test.count("SELECT sum(count) FROM hourly_counts WHERE fingerprint = ? AND hour_bucket = ?",
                fp, t0 / HOUR * HOUR)).isEqualTo(2);
        assertThat(outcomes).hasSize(1);
        assertThat(outcomes.get(0).changes()).singleElement()
                .satisfies(c -> assertThat(c.created()).isTrue())
                .satisfies(c -> assertThat(c.count()).isEqualTo(3));
    }

    @Test
    void groupsAreSeparatePerProject() throws Exception {
        test.write(h -> h.execute("INSERT INTO projects (id, slug, name, ingest_key, ingest_secret, created_at) "
                + "VALUES ('p2', 'p2', 'P2', 'k2', 's2', 0)"));
        writeAndWait(List.of(event("default", "1", "prod", "boom", 1), event("p2", "1", "prod", "boom", 2)));
        assertThat(test.count("SELECT count(*) FROM error_groups")).isEqualTo(2);
        assertThat(test.count("SELECT count(DISTINCT fingerprint) FROM error_groups")).isEqualTo(1);
    }

    @Test
    void onlyTheMostRecentSamplesAreKept() throws Exception {
        restartWriter(Duration.milliseconds(0));
        for (int i = 0; i < 4; i++) {
            List<AcceptedEvent> batch = new ArrayList<>();
            for (int j = 0; j < 2; j++) {
                batch.add(event("default", "1", "prod", "boom", 1000L * (i * 2 + j) + 1));
            }
            writeAndWait(batch);
        }
        // A new group keeps the events of its first flush; later flushes add their latest event.
        List<Long> kept = test.<List<Long>>read(h -> h.createQuery("SELECT received_at FROM group_samples ORDER BY id")
                .mapTo(Long.class).list());
        assertThat(kept).containsExactly(3001L, 5001L, 7001L);
        String sample = test.<String>read(h -> h.createQuery("SELECT event FROM group_samples ORDER BY id DESC LIMIT 1")
                .mapTo(String.class).one());
        assertThat(JSON.readTree(sample).get("message").asText()).isEqualTo("boom");
        assertThat(JSON.readTree(sample).get("received_at").asLong()).isEqualTo(7001L);
        assertThat(JSON.readTree(sample).get("timestamp").asLong()).isEqualTo(7001L);
    }

    @Test
    void aHotGroupIsSampledOncePerIntervalButARegressionAlwaysIs() throws Exception {
        restartWriter(Duration.minutes(10));
        writeAndWait(List.of(event("default", "1", "prod", "hot", 1), event("default", "1", "prod", "hot", 2)));
        writeAndWait(List.of(event("default", "1", "prod", "hot", 3)));
        writeAndWait(List.of(event("default", "1", "prod", "hot", 4)));
        assertThat(test.count("SELECT count(*) FROM group_samples")).isEqualTo(2);
        test.write(h -> h.execute("UPDATE error_groups SET status = 'resolved'"));
        writeAndWait(List.of(event("default", "2", "prod", "hot", 5)));
        assertThat(test.count("SELECT count(*) FROM group_samples")).isEqualTo(3);
        assertThat(test.count("SELECT total_count FROM error_groups")).isEqualTo(5);
    }

    @Test
    void resolvedGroupReopensWhenItRecursWithASystemHistoryRowNamingTheRelease() throws Exception {
        writeAndWait(List.of(event("default", "1.0", "prod", "boom", 1)));
        test.write(h -> h.execute("UPDATE error_groups SET status = 'resolved'"));
        outcomes.clear();
        writeAndWait(List.of(event("default", "1.1", "prod", "boom", 2), event("default", "1.2", "prod", "boom", 3)));

        assertThat(test.<String>read(h -> h.createQuery("SELECT status FROM error_groups").mapTo(String.class).one()))
                .isEqualTo("unresolved");
        Map<String, Object> history = test.read(h -> h.createQuery(
                "SELECT old_status, new_status, actor, release FROM status_history").mapToMap().one());
        assertThat(history).containsEntry("old_status", "resolved").containsEntry("new_status", "unresolved")
                .containsEntry("actor", "system").containsEntry("release", "1.1");
        assertThat(outcomes.get(0).changes().get(0).regressed()).isTrue();
        assertThat(outcomes.get(0).changes().get(0).created()).isFalse();
    }

    @Test
    void mutedAndIgnoredGroupsKeepCountingAndKeepTheirStatus() throws Exception {
        writeAndWait(List.of(event("default", "1", "prod", "muted one", 1), event("default", "1", "prod", "ignored one", 1)));
        test.write(h -> h.execute("UPDATE error_groups SET status = 'muted' WHERE message = 'muted one'"));
        test.write(h -> h.execute("UPDATE error_groups SET status = 'ignored' WHERE message = 'ignored one'"));
        writeAndWait(List.of(event("default", "1", "prod", "muted one", 2), event("default", "1", "prod", "ignored one", 2)));
        assertThat(test.<java.util.List<String>>read(h -> h.createQuery("SELECT status || ':' || total_count FROM error_groups ORDER BY message")
                .mapTo(String.class).list())).containsExactly("ignored:2", "muted:2");
        assertThat(test.count("SELECT count(*) FROM status_history")).isZero();
    }

    @Test
    void stopCommitsEverythingStillQueued() throws Exception {
        PipelineConfig slow = new PipelineConfig();
        slow.setFlushInterval(Duration.seconds(60));
        slow.setFlushBatchSize(10_000);
        writer.stop();
        EventQueue q = new EventQueue(5000);
        EventWriter w = new EventWriter(q, test.db(), JSON, slow, new MetricRegistry(),
                new DeadLetters(test.db().writer(), test.db().reader()), new SpillJournal(test.dir().resolve("spill2"), 0));
        w.start();
        for (int i = 0; i < 2000; i++) {
            assertThat(q.offer(event("default", "1", "prod", "drain " + (i % 7), i + 1))).isEqualTo(EventQueue.Offer.ACCEPTED);
        }
        w.stop();
        assertThat(test.count("SELECT count(*) FROM raw_events")).isEqualTo(2000);
        assertThat(test.count("SELECT sum(total_count) FROM error_groups")).isEqualTo(2000);
        assertThat(q.offer(event("default", "1", "prod", "late", 1))).isEqualTo(EventQueue.Offer.CLOSED);
        writer = w;
    }

    @Test
    void metadataIsStoredAsGiven() throws Exception {
        IngestEvent e = IngestEvent.of(1, "api", "prod", "1", "E", "m")
                .withMetadata(JsonNodeFactory.instance.objectNode().put("k", "v"));
        writeAndWait(List.of(new AcceptedEvent("default", Fingerprinter.group("api", "E", "m", null, null, null),
                1, 1, e, "{\"k\":\"v\"}")));
        assertThat(test.<String>read(h -> h.createQuery("SELECT metadata FROM raw_events").mapTo(String.class).one()))
                .isEqualTo("{\"k\":\"v\"}");
    }
}
