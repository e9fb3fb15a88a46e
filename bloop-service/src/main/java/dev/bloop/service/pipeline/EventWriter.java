package dev.bloop.service.pipeline;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Histogram;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bloop.service.store.StorageFailure;
import dev.bloop.service.store.WriteHealth;
import io.dropwizard.lifecycle.Managed;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single writer thread. It takes events off the queue and commits a batch when it holds
 * {@code flush_batch_size} events or {@code flush_interval} has passed since its first event.
 *
 * <p>A failed commit is never dropped. Environmental failures (disk full, read-only, I/O error) are
 * retried with backoff while {@link WriteHealth} tells ingest to refuse new events with 503; the
 * log says so once per change of state. Any other failure may be caused by an event in the batch:
 * the batch is retried once, then split in halves until the events at fault stand alone; those go
 * to the dead-letter table and everything else is committed, so one bad event never blocks ingest.
 *
 * <p>On stop it closes the queue and commits everything already accepted. What cannot be committed
 * by the drain deadline (the store failing, or too slow) is written to the {@link SpillJournal} and
 * committed at the next start.
 */
public final class EventWriter implements Managed {
    private static final Logger LOG = LoggerFactory.getLogger(EventWriter.class);
    private static final long IDLE_POLL_MS = 100;
    private static final long IDLE_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(IDLE_POLL_MS);
    private static final long MAX_BACKOFF_MS = 2_000;
    /** Kept back from the drain timeout for writing the spill journal. */
    private static final long SPILL_MARGIN_MS = 2_000;
    private static final long PROBE_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final EventQueue queue;
    private final Jdbi db;
    private final BatchWriter batchWriter;
    private final ObjectMapper json;
    private final int sampleLimit;
    private final long sampleEveryMs;
    private final WriteHealth health;
    private final DeadLetters deadLetters;
    private final SpillJournal journal;
    private final int batchSize;
    private final long intervalNanos;
    private final long drainTimeoutMs;
    private final List<FlushListener> listeners = new CopyOnWriteArrayList<>();
    private final Meter committed;
    private final Meter deadLettered;
    private final Timer flushLatency;
    private final Histogram flushSize;
    private final Counter flushFailures;
    private volatile boolean stopping;
    private volatile long spillDeadlineNanos = Long.MAX_VALUE;
    private volatile boolean running;
    private List<AcceptedEvent> carried = List.of();
    /** Projects being deleted: their events are dropped, not committed. */
    private final java.util.Set<String> droppedProjects = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final java.util.concurrent.atomic.AtomicLong flushesStarted = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong flushesFinished = new java.util.concurrent.atomic.AtomicLong();
    private long lastProbeNanos;
    private Thread thread;

    public EventWriter(EventQueue queue, Jdbi db, ObjectMapper json, PipelineConfig config, MetricRegistry metrics,
                       WriteHealth health, DeadLetters deadLetters, SpillJournal journal) {
        this.queue = queue;
        this.db = db;
        this.health = health;
        this.deadLetters = deadLetters;
        this.journal = journal;
        this.json = json;
        this.sampleLimit = config.getSampleReservoirSize();
        this.sampleEveryMs = config.getSampleInterval().toMilliseconds();
        this.batchWriter = new BatchWriter(json, sampleLimit, sampleEveryMs);
        this.batchSize = config.getFlushBatchSize();
        this.intervalNanos = config.getFlushInterval().toNanoseconds();
        this.drainTimeoutMs = config.getDrainTimeout().toMilliseconds();
        this.committed = metrics.meter("pipeline.events.committed");
        this.deadLettered = metrics.meter("pipeline.events.dead_lettered");
        this.flushLatency = metrics.timer("pipeline.flush.latency");
        this.flushSize = metrics.histogram("pipeline.flush.size");
        this.flushFailures = metrics.counter("pipeline.flush.failures");
        metrics.gauge("pipeline.queue.depth", () -> queue::depth);
        metrics.gauge("pipeline.queue.capacity", () -> queue::capacity);
        metrics.gauge("pipeline.dead_letters", () -> deadLetters::count);
    }

    public void addListener(FlushListener listener) {
        listeners.add(listener);
    }

    public boolean isRunning() {
        return running;
    }

    @Override
    public void start() {
        carried = journal.load();
        if (!carried.isEmpty()) {
            LOG.info("Committing {} events kept in the spill journal {} at the last stop", carried.size(),
                    journal.file());
        }
        journal.reserve();
        thread = new Thread(this::run, "bloop-writer");
        running = true;
        thread.start();
    }

    /**
     * Runs a flush of these events in a transaction that is rolled back: compiles the writer's hot
     * path before real events arrive. Uses its own batch writer, so it may run beside the writer thread.
     */
    public void warmUp(List<AcceptedEvent> events) throws java.sql.SQLException {
        BatchWriter scratch = new BatchWriter(json, sampleLimit, sampleEveryMs);
        try {
            db.useTransaction(h -> {
                scratch.write(h.getConnection(), events, System.currentTimeMillis());
                throw new RolledBack();
            });
        } catch (RolledBack expected) {
            // the point
        }
    }

    private static final class RolledBack extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RolledBack() {
            super(null, null, false, false);
        }
    }

    /** Stops taking events, commits everything already accepted (or spills it), then returns. */
    @Override
    public void stop() throws InterruptedException {
        queue.close();
        queue.awaitOffersDone();
        spillDeadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(0, drainTimeoutMs - SPILL_MARGIN_MS));
        stopping = true;
        thread.join(drainTimeoutMs + SPILL_MARGIN_MS);
        if (thread.isAlive()) {
            LOG.error("Writer did not finish within {} ms; {} acknowledged events still queued are lost",
                    drainTimeoutMs + SPILL_MARGIN_MS, queue.depth());
            thread.interrupt();
        }
    }

    private void run() {
        try {
            if (!carried.isEmpty()) {
                List<AcceptedEvent> replay = carried;
                boolean spilled = commit(replay);
                carried = List.of();
                if (!spilled) {
                    journal.clear();
                }
            }
            while (true) {
                List<AcceptedEvent> batch = nextBatch();
                if (batch == null) {
                    break;
                }
                if (!batch.isEmpty() && commit(batch)) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            running = false;
        }
        LOG.info("Writer stopped; queue depth {}", queue.depth());
    }

    /** The next batch to commit; empty when idle, null when stopped and drained. */
    private List<AcceptedEvent> nextBatch() throws InterruptedException {
        AcceptedEvent first = queue.poll(IDLE_POLL_MS, TimeUnit.MILLISECONDS);
        if (first == null) {
            if (stopping && queue.depth() == 0) {
                return null;
            }
            probeWhileFailing();
            return List.of();
        }
        List<AcceptedEvent> batch = new ArrayList<>(batchSize);
        batch.add(first);
        long deadline = System.nanoTime() + intervalNanos;
        while (batch.size() < batchSize) {
            queue.drainTo(batch, batchSize - batch.size());
            if (batch.size() >= batchSize || stopping) {
                break;
            }
            long wait = deadline - System.nanoTime();
            if (wait <= 0) {
                break;
            }
            // Short slices so that a stop is noticed at once, not after a long flush interval.
            AcceptedEvent next = queue.poll(Math.min(wait, IDLE_POLL_NANOS), TimeUnit.NANOSECONDS);
            if (next != null) {
                batch.add(next);
            }
        }
        return batch;
    }

    /**
     * Commits the events, in batch-sized parts, isolating bad events and waiting out a failing store.
     *
     * @return true when the writer is stopping and what was left went to the spill journal
     */
    private boolean commit(List<AcceptedEvent> events) throws InterruptedException {
        Deque<Part> work = new ArrayDeque<>();
        for (int i = events.size(); i > 0; i -= batchSize) {
            work.push(new Part(events.subList(Math.max(0, i - batchSize), i), false));
        }
        long backoff = 50;
        while (!work.isEmpty()) {
            if (stopping && System.nanoTime() > spillDeadlineNanos) {
                spill(work);
                return true;
            }
            Part part = work.peek();
            Throwable failure = write(part.events());
            if (failure == null) {
                work.pop();
                backoff = 50;
                continue;
            }
            flushFailures.inc();
            StorageFailure kind = StorageFailure.of(failure);
            if (kind.environmental()) {
                if (health.failed(kind, failure.getMessage())) {
                    LOG.error("Writes to the database fail: {} ({}). Ingest answers 503 until a write succeeds; "
                            + "the {} events of this flush are kept and retried", kind.reason(), failure.getMessage(),
                            part.events().size());
                }
                if (stopping) {
                    // Nobody can wait for the disk to come back: keep the events where the next start finds them.
                    spill(work);
                    return true;
                }
                Thread.sleep(backoff);
                backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
                continue;
            }
            work.pop();
            List<AcceptedEvent> failed = part.events();
            if (!part.suspect()) {
                // Once, in case it was a passing fault; a second failure points at the data.
                LOG.warn("Flush of {} events failed ({}); retrying once before isolating the events at fault",
                        failed.size(), failure.getMessage());
                work.push(new Part(failed, true));
                Thread.sleep(backoff);
            } else if (failed.size() == 1) {
                deadLetter(failed.get(0), failure);
            } else {
                int half = failed.size() / 2;
                work.push(new Part(failed.subList(half, failed.size()), true));
                work.push(new Part(failed.subList(0, half), true));
            }
        }
        return false;
    }

    /** Events to commit in one transaction; {@code suspect} once they failed for a reason of their own. */
    private record Part(List<AcceptedEvent> events, boolean suspect) {
    }

    /**
     * While the store is marked failing and no events arrive (ingest refuses them), nothing else would
     * find out that it recovered: a tiny real write every few seconds does.
     */
    private void probeWhileFailing() {
        if (!health.isFailing() || System.nanoTime() - lastProbeNanos < PROBE_INTERVAL_NANOS) {
            return;
        }
        lastProbeNanos = System.nanoTime();
        try {
            db.useTransaction(h -> h.execute("UPDATE projects SET name = name WHERE rowid = (SELECT min(rowid) FROM projects)"));
            health.succeeded().ifPresent(f -> LOG.info("Writes to the database succeed again after {} s of '{}'",
                    (System.currentTimeMillis() - f.since()) / 1000, f.failure().reason()));
        } catch (RuntimeException e) {
            StorageFailure kind = StorageFailure.of(e);
            if (health.failed(kind.environmental() ? kind : StorageFailure.IO_ERROR, e.getMessage())) {
                LOG.error("Writes to the database fail: {} ({})", kind.reason(), e.getMessage());
            }
        }
    }

    /**
     * From now on, events of this project are dropped instead of committed; returns once no flush
     * that could still write one of them is running, so the project's rows can be deleted for good.
     */
    public void dropProject(String projectId) throws InterruptedException {
        droppedProjects.add(projectId);
        long target = flushesStarted.get();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (flushesFinished.get() < target && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }

    private List<AcceptedEvent> withoutDroppedProjects(List<AcceptedEvent> part) {
        if (droppedProjects.isEmpty()) {
            return part;
        }
        List<AcceptedEvent> kept = new ArrayList<>(part.size());
        for (AcceptedEvent e : part) {
            if (droppedProjects.contains(e.projectId())) {
                kept(List.of(e)); // its project is gone: nothing is waiting for it any more
            } else {
                kept.add(e);
            }
        }
        return kept;
    }

    /** One transaction; null when it committed, else what failed. */
    private Throwable write(List<AcceptedEvent> events) {
        flushesStarted.incrementAndGet();
        try {
            List<AcceptedEvent> part = withoutDroppedProjects(events);
            return part.isEmpty() ? null : writeNow(part);
        } finally {
            flushesFinished.incrementAndGet();
        }
    }

    private Throwable writeNow(List<AcceptedEvent> part) {
        try (Timer.Context ignored = flushLatency.time()) {
            long now = System.currentTimeMillis();
            FlushOutcome outcome = db.inTransaction(h -> batchWriter.write(h.getConnection(), part, now));
            committed.mark(part.size());
            flushSize.update(part.size());
            health.succeeded().ifPresent(f -> LOG.info("Writes to the database succeed again after {} s of '{}'",
                    (System.currentTimeMillis() - f.since()) / 1000, f.failure().reason()));
            kept(part);
            notifyListeners(outcome);
            return null;
        } catch (RuntimeException | java.sql.SQLException e) {
            return e;
        }
    }

    private void deadLetter(AcceptedEvent event, Throwable failure) throws InterruptedException {
        long backoff = 50;
        while (true) {
            try {
                deadLetters.add(event, failure, System.currentTimeMillis());
                deadLettered.mark();
                LOG.error("An event of project {} (group {}) could not be committed and was moved to the dead-letter "
                        + "table: {}", event.projectId(), event.fingerprint(), failure.getMessage());
                kept(List.of(event));
                return;
            } catch (RuntimeException e) {
                StorageFailure kind = StorageFailure.of(e);
                if (health.failed(kind.environmental() ? kind : StorageFailure.IO_ERROR, e.getMessage())) {
                    LOG.error("Cannot keep a failed event in the dead-letter table ({}); retrying", e.getMessage());
                }
                if (stopping) {
                    spill(new ArrayDeque<>(List.of(new Part(List.of(event), true))));
                    return;
                }
                Thread.sleep(backoff);
                backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
            }
        }
    }

    /** Everything not yet committed (the parts left and the whole queue) into the spill journal. */
    private void spill(Deque<Part> work) {
        List<AcceptedEvent> left = new ArrayList<>();
        for (Part part : work) {
            left.addAll(part.events());
        }
        work.clear();
        queue.drainTo(left, Integer.MAX_VALUE);
        if (left.isEmpty()) {
            return;
        }
        int written = journal.spill(left);
        kept(left.subList(0, written));
        if (written == left.size()) {
            LOG.warn("{} acknowledged events could not be committed before the stop; they are kept in {} and will be "
                    + "committed at the next start", written, journal.file());
        } else {
            LOG.error("{} acknowledged events are LOST: the database and the spill journal {} both refused them "
                    + "({} others were kept in the journal)", left.size() - written, journal.file(), written);
        }
    }

    private static void kept(List<AcceptedEvent> events) {
        for (AcceptedEvent e : events) {
            if (e.waiter() != null) {
                e.waiter().kept();
            }
        }
    }

    private void notifyListeners(FlushOutcome outcome) {
        for (FlushListener listener : listeners) {
            try {
                listener.flushed(outcome);
            } catch (RuntimeException e) {
                LOG.error("Flush listener {} failed", listener, e);
            }
        }
    }
}
