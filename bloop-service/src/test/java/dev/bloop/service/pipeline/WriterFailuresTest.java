package dev.bloop.service.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bloop.api.IngestEvent;
import dev.bloop.service.fingerprint.Fingerprinter;
import dev.bloop.service.store.StorageFailure;
import dev.bloop.service.store.TestDatabase;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.util.Duration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The writer under failures: an event that breaks its flush, a database that refuses writes (a full
 * disk, simulated with SQLite's page limit on every write connection), and a stop while it does.
 */
class WriterFailuresTest {
    private static final ObjectMapper JSON = Jackson.newObjectMapper();

    @RegisterExtension
    final TestDatabase test = new TestDatabase();

    private EventQueue queue;
    private EventWriter writer;
    private DeadLetters deadLetters;
    private Path journalFile;

    @BeforeEach
    void start() {
        journalFile = test.dir().resolve("bloop.db.spill");
        deadLetters = new DeadLetters(test.db().writer(), test.db().reader());
        writer = newWriter(new EventQueue(10_000));
        writer.start();
    }

    private EventWriter newWriter(EventQueue q) {
        queue = q;
        PipelineConfig config = new PipelineConfig();
        config.setFlushInterval(Duration.milliseconds(20));
        return new EventWriter(q, test.db(), JSON, config, new MetricRegistry(),
                deadLetters, new SpillJournal(journalFile, 64 * 1024));
    }

    @AfterEach
    void stop() throws InterruptedException {
        setPageLimit(1_000_000_000L);
        writer.stop();
    }

    private static AcceptedEvent event(String message, long at) {
        IngestEvent e = IngestEvent.of(at, "api", "prod", "1.0", "TypeError", message).withRoute("/r");
        return new AcceptedEvent("default", Fingerprinter.group("api", "TypeError", message, null, "/r", null),
                at, at, e, null);
    }

    private static List<AcceptedEvent> events(int n, String prefix) {
        List<AcceptedEvent> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(event(prefix + " " + (i % 13), 1_700_000_000_000L + i));
        }
        return list;
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    /** SQLite answers SQLITE_FULL past this many pages; set on every write connection of the pool. */
    private void setPageLimit(long pages) {
        List<Handle> handles = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                Handle h = test.db().writer().open();
                handles.add(h);
                h.execute("PRAGMA max_page_count = " + pages);
            }
        } finally {
            handles.forEach(Handle::close);
        }
    }

    private long rawEvents() {
        return test.count("SELECT count(*) FROM raw_events");
    }

    @Test
    void aPoisonedEventGoesToTheDeadLetterTableAndTheOther1999AreCommitted() throws Exception {
        test.write(h -> h.execute("CREATE TRIGGER poison BEFORE INSERT ON raw_events WHEN NEW.message = 'poison' "
                + "BEGIN SELECT RAISE(ABORT, 'poisoned event'); END"));
        List<AcceptedEvent> batch = events(2000, "fine");
        batch.set(1234, event("poison", 1_700_000_001_234L));
        assertThat(queue.offerAll(batch)).isEqualTo(EventQueue.Offer.ACCEPTED);

        await("1,999 committed and 1 dead-lettered", () -> rawEvents() == 1999 && deadLetters.count() == 1);
        assertThat(test.count("SELECT sum(total_count) FROM error_groups")).isEqualTo(1999);
        assertThat(test.<String>read(h -> h.createQuery("SELECT error FROM dead_letters").mapTo(String.class).one()))
                .contains("poisoned event");
        assertThat(test.db().writeHealth().isFailing()).as("a bad event is not a storage failure").isFalse();

        // Ingest goes on.
        assertThat(queue.offer(event("after", 1_700_000_002_000L))).isEqualTo(EventQueue.Offer.ACCEPTED);
        await("a later event is committed", () -> rawEvents() == 2000);

        // Fixed: the letter is replayed into the same group it was acknowledged with, and leaves the table.
        test.write(h -> h.execute("DROP TRIGGER poison"));
        assertThat(deadLetters.replay(null, 100, queue)).isEqualTo(1);
        await("the replayed event is committed", () -> rawEvents() == 2001);
        assertThat(deadLetters.count()).isZero();
        assertThat(test.count("SELECT count(*) FROM dead_letters")).isZero();
        assertThat(test.count("SELECT total_count FROM error_groups WHERE fingerprint = ?",
                event("poison", 0).fingerprint())).isEqualTo(1);
    }

    @Test
    void aFullDiskHoldsTheEventsAndMarksTheStoreFailingUntilSpaceReturns() throws Exception {
        long pages = test.count("PRAGMA page_count");
        setPageLimit(pages);
        assertThat(queue.offerAll(events(300, "held"))).isEqualTo(EventQueue.Offer.ACCEPTED);
        await("the store is marked failing", () -> test.db().writeHealth().isFailing());
        assertThat(test.db().writeHealth().current().orElseThrow().failure()).isEqualTo(StorageFailure.DISK_FULL);
        Thread.sleep(300);
        assertThat(rawEvents()).isZero();
        assertThat(deadLetters.count()).as("a full disk never dead-letters events").isZero();

        setPageLimit(1_000_000_000L);
        await("all held events are committed once space returns", () -> rawEvents() == 300);
        await("the store is healthy again", () -> !test.db().writeHealth().isFailing());
    }

    @Test
    void aStopOnAFullDiskSpillsTheEventsAndTheNextStartCommitsThem() throws Exception {
        long pages = test.count("PRAGMA page_count");
        setPageLimit(pages);
        assertThat(queue.offerAll(events(500, "spilled"))).isEqualTo(EventQueue.Offer.ACCEPTED);
        await("the store is marked failing", () -> test.db().writeHealth().isFailing());

        writer.stop();
        assertThat(rawEvents()).isZero();
        assertThat(new SpillJournal(journalFile, 0).load()).hasSize(500);

        setPageLimit(1_000_000_000L);
        writer = newWriter(new EventQueue(100)); // smaller than the spill: replay does not go through the queue
        writer.start();
        await("the spilled events are committed at the next start", () -> rawEvents() == 500);
        assertThat(test.count("SELECT sum(total_count) FROM error_groups")).isEqualTo(500);
        await("the journal is emptied", () -> new SpillJournal(journalFile, 0).load().isEmpty());
        assertThat(Files.size(journalFile)).as("its reservation stays").isGreaterThanOrEqualTo(64 * 1024);
    }

    @Test
    void committedModeWaitersAreToldOnlyOnceTheirEventsAreKept() throws Exception {
        long pages = test.count("PRAGMA page_count");
        setPageLimit(pages);
        java.util.concurrent.atomic.AtomicInteger told = new java.util.concurrent.atomic.AtomicInteger();
        CommitWaiter waiter = new CommitWaiter(300, told::incrementAndGet);
        List<AcceptedEvent> waiting = events(300, "waiting").stream().map(e -> e.withWaiter(waiter)).toList();
        assertThat(queue.offerAll(waiting)).isEqualTo(EventQueue.Offer.ACCEPTED);
        await("the store is marked failing", () -> test.db().writeHealth().isFailing());
        Thread.sleep(200);
        assertThat(told.get()).as("not told while the events are not kept").isZero();
        setPageLimit(1_000_000_000L);
        await("told once, after the commit", () -> told.get() == 1);
        assertThat(rawEvents()).isEqualTo(300);
    }
}
