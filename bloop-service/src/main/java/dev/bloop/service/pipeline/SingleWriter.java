package dev.bloop.service.pipeline;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Histogram;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import dev.bloop.service.store.StorageFailure;
import dev.bloop.service.store.WriteHealth;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One writer thread over one {@link BoundedQueue}: it takes items off the queue and commits a batch
 * when it holds {@code batchSize} items or {@code interval} has passed since its first item. The
 * event pipeline runs one ({@link EventWriter}); optional modules run their own for their own items
 * (LLM traces), with the same guarantees.
 *
 * <p>A failed commit is never dropped. Environmental failures (disk full, read-only, I/O error) are
 * retried with backoff while {@link WriteHealth} tells ingest to refuse new items with 503; the log
 * says so once per change of state. Any other failure may be caused by an item in the batch: the
 * batch is retried once, then split in halves until the items at fault stand alone; those are handed
 * to {@link Target#deadLetter} and everything else is committed, so one bad item never blocks ingest.
 *
 * <p>On stop it closes the queue and commits everything already accepted. What cannot be committed
 * by the drain deadline (the store failing, or too slow) is written to the {@link Journal} and
 * committed at the next start.
 *
 * @param <T> the items
 */
public final class SingleWriter<T extends Queued> {
    private static final Logger LOG = LoggerFactory.getLogger(SingleWriter.class);
    private static final long IDLE_POLL_MS = 100;
    private static final long IDLE_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(IDLE_POLL_MS);
    private static final long MAX_BACKOFF_MS = 2_000;
    /** Kept back from the drain timeout for writing the spill journal. */
    private static final long SPILL_MARGIN_MS = 2_000;
    private static final long PROBE_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(2);

    /** What the writer writes, and where an item that cannot be written goes. */
    public interface Target<T> {
        /**
         * Writes a part inside the open transaction.
         *
         * @return what to do once the transaction has committed (tell listeners), or null
         */
        Runnable write(Handle handle, List<T> part, long now) throws Exception;

        /** Keeps one item whose write fails because of the item itself; throws when it cannot (retried). */
        void deadLetter(T item, Throwable failure, long now);

        /** The item in a log line, without its content. */
        String describe(T item);

        /**
         * Bounded work the target wants done on the writer thread between flushes (for example
         * recomputing stored figures): called when the queue is idle and after each flush. Default none.
         */
        default void between(Jdbi db) {
        }

        /**
         * Whether a client is waiting for this item's commit ({@code ack: committed}): a batch holding one
         * is committed as soon as the queue runs dry instead of at the flush interval.
         */
        default boolean awaited(T item) {
            return false;
        }
    }

    private final String name;
    private final String unit;
    private final BoundedQueue<T> queue;
    /** Held from a flush's commit until its listeners have been told (see {@link #betweenFlushes}). */
    private final ReentrantLock handover = new ReentrantLock();
    private final Jdbi db;
    private final Target<T> target;
    private final WriteHealth health;
    private final Journal<T> journal;
    private final int batchSize;
    private final long intervalNanos;
    private final long drainTimeoutMs;
    private final Meter committed;
    private final Meter deadLettered;
    private final Timer flushLatency;
    private final Histogram flushSize;
    private final Counter flushFailures;
    private volatile boolean stopping;
    private volatile long spillDeadlineNanos = Long.MAX_VALUE;
    private volatile boolean running;
    private List<T> carried = List.of();
    /** Projects being deleted: their items are dropped, not committed. */
    private final Set<String> droppedProjects = ConcurrentHashMap.newKeySet();
    private final AtomicLong flushesStarted = new AtomicLong();
    private final AtomicLong flushesFinished = new AtomicLong();
    private long lastProbeNanos;
    private Thread thread;

    /**
     * @param name         the thread's name
     * @param unit         what the items are called in logs and metric names ({@code events}, {@code traces})
     * @param metricPrefix metrics are {@code <prefix>.<unit>.committed}, {@code <prefix>.flush.latency}, ...
     */
    public SingleWriter(String name, String unit, String metricPrefix, BoundedQueue<T> queue, Jdbi db,
                        Target<T> target, WriteHealth health, Journal<T> journal, int batchSize,
                        long intervalNanos, long drainTimeoutMs, MetricRegistry metrics) {
        this.name = name;
        this.unit = unit;
        this.queue = queue;
        this.db = db;
        this.target = target;
        this.health = health;
        this.journal = journal;
        this.batchSize = batchSize;
        this.intervalNanos = intervalNanos;
        this.drainTimeoutMs = drainTimeoutMs;
        this.committed = metrics.meter(metricPrefix + "." + unit + ".committed");
        this.deadLettered = metrics.meter(metricPrefix + "." + unit + ".dead_lettered");
        this.flushLatency = metrics.timer(metricPrefix + ".flush.latency");
        this.flushSize = metrics.histogram(metricPrefix + ".flush.size");
        this.flushFailures = metrics.counter(metricPrefix + ".flush.failures");
        metrics.gauge(metricPrefix + ".queue.depth", () -> queue::depth);
        metrics.gauge(metricPrefix + ".queue.capacity", () -> queue::capacity);
    }

    public boolean isRunning() {
        return running;
    }

    public void start() {
        carried = journal.load();
        if (!carried.isEmpty()) {
            LOG.info("Committing {} {} kept in the spill journal {} at the last stop", carried.size(), unit,
                    journal.file());
        }
        journal.reserve();
        thread = new Thread(this::run, name);
        running = true;
        thread.start();
    }

    /** Stops taking items, commits everything already accepted (or spills it), then returns. */
    public void stop() throws InterruptedException {
        queue.close();
        queue.awaitOffersDone();
        spillDeadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(0, drainTimeoutMs - SPILL_MARGIN_MS));
        stopping = true;
        thread.join(drainTimeoutMs + SPILL_MARGIN_MS);
        if (thread.isAlive()) {
            LOG.error("Writer {} did not finish within {} ms; {} acknowledged {} still queued are lost", name,
                    drainTimeoutMs + SPILL_MARGIN_MS, queue.depth(), unit);
            thread.interrupt();
        }
    }

    private void run() {
        try {
            if (!carried.isEmpty()) {
                List<T> replay = carried;
                boolean spilled = commit(replay);
                carried = List.of();
                if (!spilled) {
                    journal.clear();
                }
            }
            while (true) {
                List<T> batch = nextBatch();
                if (batch == null) {
                    break;
                }
                if (!batch.isEmpty() && commit(batch)) {
                    break;
                }
                if (!stopping) {
                    between();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            running = false;
        }
        LOG.info("Writer {} stopped; queue depth {}", name, queue.depth());
    }

    private void between() {
        if (health.isFailing()) {
            return;
        }
        try {
            target.between(db);
        } catch (RuntimeException e) {
            LOG.error("Writer {}: work between flushes failed", name, e);
        }
    }

    /** The next batch to commit; empty when idle, null when stopped and drained. */
    private List<T> nextBatch() throws InterruptedException {
        T first = queue.poll(IDLE_POLL_MS, TimeUnit.MILLISECONDS);
        if (first == null) {
            if (stopping && queue.depth() == 0) {
                return null;
            }
            probeWhileFailing();
            return List.of();
        }
        List<T> batch = new ArrayList<>(batchSize);
        batch.add(first);
        boolean awaited = target.awaited(first);
        long deadline = System.nanoTime() + intervalNanos;
        while (batch.size() < batchSize) {
            int before = batch.size();
            queue.drainTo(batch, batchSize - batch.size());
            for (int i = before; i < batch.size() && !awaited; i++) {
                awaited = target.awaited(batch.get(i));
            }
            // Someone waits for this commit and nothing else has arrived: waiting out the interval would
            // only add to every waiting client's answer time; under load the queue is never dry.
            if (batch.size() >= batchSize || stopping || (awaited && queue.depth() == 0)) {
                break;
            }
            long wait = deadline - System.nanoTime();
            if (wait <= 0) {
                break;
            }
            // Short slices so that a stop is noticed at once, not after a long flush interval.
            T next = queue.poll(Math.min(wait, IDLE_POLL_NANOS), TimeUnit.NANOSECONDS);
            if (next != null) {
                batch.add(next);
                awaited |= target.awaited(next);
            }
        }
        return batch;
    }

    /**
     * Commits the items, in batch-sized parts, isolating bad items and waiting out a failing store.
     *
     * @return true when the writer is stopping and what was left went to the spill journal
     */
    private boolean commit(List<T> items) throws InterruptedException {
        Deque<Part<T>> work = new ArrayDeque<>();
        for (int i = items.size(); i > 0; i -= batchSize) {
            work.push(new Part<>(items.subList(Math.max(0, i - batchSize), i), false));
        }
        long backoff = 50;
        while (!work.isEmpty()) {
            if (stopping && System.nanoTime() > spillDeadlineNanos) {
                spill(work);
                return true;
            }
            Part<T> part = work.peek();
            Throwable failure = write(part.items());
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
                            + "the {} {} of this flush are kept and retried", kind.reason(), failure.getMessage(),
                            part.items().size(), unit);
                }
                if (stopping) {
                    // Nobody can wait for the disk to come back: keep the items where the next start finds them.
                    spill(work);
                    return true;
                }
                Thread.sleep(backoff);
                backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
                continue;
            }
            work.pop();
            List<T> failed = part.items();
            if (!part.suspect()) {
                // Once, in case it was a passing fault; a second failure points at the data.
                LOG.warn("Flush of {} {} failed ({}); retrying once before isolating the {} at fault",
                        failed.size(), unit, failure.getMessage(), unit);
                work.push(new Part<>(failed, true));
                Thread.sleep(backoff);
            } else if (failed.size() == 1) {
                deadLetter(failed.get(0), failure);
            } else {
                int half = failed.size() / 2;
                work.push(new Part<>(failed.subList(half, failed.size()), true));
                work.push(new Part<>(failed.subList(0, half), true));
            }
        }
        return false;
    }

    /** Items to commit in one transaction; {@code suspect} once they failed for a reason of their own. */
    private record Part<T>(List<T> items, boolean suspect) {
    }

    /**
     * While the store is marked failing and no items arrive (ingest refuses them), nothing else would
     * find out that it recovered: a tiny real write every few seconds does.
     */
    private void probeWhileFailing() {
        if (!health.isFailing() || System.nanoTime() - lastProbeNanos < PROBE_INTERVAL_NANOS) {
            return;
        }
        lastProbeNanos = System.nanoTime();
        try {
            db.useTransaction(h -> h.execute("UPDATE projects SET name = name WHERE id = (SELECT min(id) FROM projects)"));
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
     * From now on, items of this project are dropped instead of committed; returns once no flush
     * that could still write one of them is running, so the project's rows can be deleted for good.
     */
    public void dropProject(String projectId) throws InterruptedException {
        droppedProjects.add(projectId);
        long targetFlush = flushesStarted.get();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (flushesFinished.get() < targetFlush && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }

    private List<T> withoutDroppedProjects(List<T> part) {
        if (droppedProjects.isEmpty()) {
            return part;
        }
        List<T> kept = new ArrayList<>(part.size());
        for (T e : part) {
            if (droppedProjects.contains(e.projectId())) {
                kept(List.of(e)); // its project is gone: nothing is waiting for it any more
            } else {
                kept.add(e);
            }
        }
        return kept;
    }

    /** One transaction; null when it committed, else what failed. */
    private Throwable write(List<T> items) {
        flushesStarted.incrementAndGet();
        try {
            List<T> part = withoutDroppedProjects(items);
            return part.isEmpty() ? null : writeNow(part);
        } finally {
            flushesFinished.incrementAndGet();
        }
    }

    /**
     * Runs {@code work} between two flushes: no flush commits, nor tells its listeners what it committed,
     * while it runs. A reader that must know which flushes its snapshot holds (an alert window seeded
     * from the database, then counted forward from each flush) reads in here.
     */
    public void betweenFlushes(Runnable work) {
        handover.lock();
        try {
            work.run();
        } finally {
            handover.unlock();
        }
    }

    private Throwable writeNow(List<T> part) {
        handover.lock();
        try {
            return commitAndTell(part);
        } finally {
            handover.unlock();
        }
    }

    private Throwable commitAndTell(List<T> part) {
        Runnable after;
        try (Timer.Context ignored = flushLatency.time()) {
            long now = System.currentTimeMillis();
            after = db.inTransaction(h -> target.write(h, part, now));
        } catch (Exception e) {
            return e;
        }
        committed.mark(part.size());
        flushSize.update(part.size());
        health.succeeded().ifPresent(f -> LOG.info("Writes to the database succeed again after {} s of '{}'",
                (System.currentTimeMillis() - f.since()) / 1000, f.failure().reason()));
        kept(part);
        if (after != null) {
            try {
                after.run();
            } catch (RuntimeException e) {
                LOG.error("Writer {}: telling what a flush committed failed", name, e);
            }
        }
        return null;
    }

    private void deadLetter(T item, Throwable failure) throws InterruptedException {
        long backoff = 50;
        while (true) {
            try {
                target.deadLetter(item, failure, System.currentTimeMillis());
                deadLettered.mark();
                LOG.error("{} could not be committed and was moved to the dead-letter table: {}",
                        target.describe(item), failure.getMessage());
                kept(List.of(item));
                return;
            } catch (RuntimeException e) {
                StorageFailure kind = StorageFailure.of(e);
                if (health.failed(kind.environmental() ? kind : StorageFailure.IO_ERROR, e.getMessage())) {
                    LOG.error("Cannot keep a failed item in the dead-letter table ({}); retrying", e.getMessage());
                }
                if (stopping) {
                    spill(new ArrayDeque<>(List.of(new Part<>(List.of(item), true))));
                    return;
                }
                Thread.sleep(backoff);
                backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
            }
        }
    }

    /** Everything not yet committed (the parts left and the whole queue) into the spill journal. */
    private void spill(Deque<Part<T>> work) {
        List<T> left = new ArrayList<>();
        for (Part<T> part : work) {
            left.addAll(part.items());
        }
        work.clear();
        queue.drainTo(left, Integer.MAX_VALUE);
        if (left.isEmpty()) {
            return;
        }
        int written = journal.spill(left);
        kept(left.subList(0, written));
        if (written == left.size()) {
            LOG.warn("{} acknowledged {} could not be committed before the stop; they are kept in {} and will be "
                    + "committed at the next start", written, unit, journal.file());
        } else {
            LOG.error("{} acknowledged {} are LOST: the database and the spill journal {} both refused them "
                    + "({} others were kept in the journal)", left.size() - written, unit, journal.file(), written);
        }
    }

    private static <T extends Queued> void kept(List<T> items) {
        for (T e : items) {
            if (e.waiter() != null) {
                e.waiter().kept();
            }
        }
    }
}
