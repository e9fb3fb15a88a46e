package dev.bloop.service.pipeline;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Histogram;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.lifecycle.Managed;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single writer thread. It takes events off the queue and commits a batch when it holds
 * {@code flush_batch_size} events or {@code flush_interval} has passed since its first event. A
 * failed commit is retried with backoff and never dropped: while the writer is stuck the queue
 * fills and callers get 429, so nothing acknowledged is lost. On stop it closes the queue, drains
 * it completely and returns only after the last commit.
 */
public final class EventWriter implements Managed {
    private static final Logger LOG = LoggerFactory.getLogger(EventWriter.class);
    private static final long IDLE_POLL_MS = 100;
    private static final long IDLE_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(IDLE_POLL_MS);
    private static final long MAX_BACKOFF_MS = 5_000;

    private final EventQueue queue;
    private final Jdbi db;
    private final BatchWriter batchWriter;
    private final int batchSize;
    private final long intervalNanos;
    private final long drainTimeoutMs;
    private final List<FlushListener> listeners = new CopyOnWriteArrayList<>();
    private final Meter committed;
    private final Timer flushLatency;
    private final Histogram flushSize;
    private final Counter flushFailures;
    private volatile boolean stopping;
    private volatile boolean running;
    private Thread thread;

    public EventWriter(EventQueue queue, Jdbi db, ObjectMapper json, PipelineConfig config, MetricRegistry metrics) {
        this.queue = queue;
        this.db = db;
        this.batchWriter = new BatchWriter(json, config.getSampleReservoirSize(),
                config.getSampleInterval().toMilliseconds());
        this.batchSize = config.getFlushBatchSize();
        this.intervalNanos = config.getFlushInterval().toNanoseconds();
        this.drainTimeoutMs = config.getDrainTimeout().toMilliseconds();
        this.committed = metrics.meter("pipeline.events.committed");
        this.flushLatency = metrics.timer("pipeline.flush.latency");
        this.flushSize = metrics.histogram("pipeline.flush.size");
        this.flushFailures = metrics.counter("pipeline.flush.failures");
        metrics.gauge("pipeline.queue.depth", () -> queue::depth);
        metrics.gauge("pipeline.queue.capacity", () -> queue::capacity);
    }

    public void addListener(FlushListener listener) {
        listeners.add(listener);
    }

    public boolean isRunning() {
        return running;
    }

    @Override
    public void start() {
        thread = new Thread(this::run, "bloop-writer");
        running = true;
        thread.start();
    }

    /** Stops taking events, commits everything already accepted, then returns. */
    @Override
    public void stop() throws InterruptedException {
        queue.close();
        queue.awaitOffersDone();
        stopping = true;
        thread.join(drainTimeoutMs);
        if (thread.isAlive()) {
            LOG.error("Writer did not drain within {} ms; {} events still queued", drainTimeoutMs, queue.depth());
            thread.interrupt();
        }
    }

    private void run() {
        try {
            while (true) {
                List<AcceptedEvent> batch = nextBatch();
                if (batch == null) {
                    break;
                }
                if (!batch.isEmpty()) {
                    flush(batch);
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
            return stopping && queue.depth() == 0 ? null : List.of();
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

    private void flush(List<AcceptedEvent> batch) throws InterruptedException {
        long backoff = 50;
        while (true) {
            try (Timer.Context ignored = flushLatency.time()) {
                long now = System.currentTimeMillis();
                FlushOutcome outcome = db.inTransaction(h -> batchWriter.write(h.getConnection(), batch, now));
                committed.mark(batch.size());
                flushSize.update(batch.size());
                notifyListeners(outcome);
                return;
            } catch (RuntimeException | java.sql.SQLException e) {
                flushFailures.inc();
                LOG.error("Flush of {} events failed; retrying in {} ms (events are kept)", batch.size(), backoff, e);
                Thread.sleep(backoff);
                backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
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
