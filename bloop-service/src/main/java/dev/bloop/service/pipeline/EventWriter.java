package dev.bloop.service.pipeline;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.lifecycle.Managed;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jdbi.v3.core.Handle;
import dev.bloop.service.store.Database;
import dev.bloop.service.store.Dialect;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event pipeline's writer: a {@link SingleWriter} that commits accepted events with
 * {@link BatchWriter} (a batch when it holds {@code flush_batch_size} events or {@code flush_interval}
 * has passed since its first), keeps events that fail on their own in the {@link DeadLetters} table,
 * spills what a stop cannot commit to the {@link SpillJournal}, and tells its {@link FlushListener}s
 * what each committed flush learned.
 */
public final class EventWriter implements Managed {
    private static final Logger LOG = LoggerFactory.getLogger(EventWriter.class);

    private final Jdbi db;
    private final Dialect dialect;
    private final ObjectMapper json;
    private final int sampleLimit;
    private final long sampleEveryMs;
    private final List<FlushListener> listeners = new CopyOnWriteArrayList<>();
    private final SingleWriter<AcceptedEvent> writer;

    public EventWriter(EventQueue queue, Database database, ObjectMapper json, PipelineConfig config,
                       MetricRegistry metrics, DeadLetters deadLetters, SpillJournal journal) {
        this.db = database.writer();
        this.dialect = database.dialect();
        this.json = json;
        this.sampleLimit = config.getSampleReservoirSize();
        this.sampleEveryMs = config.getSampleInterval().toMilliseconds();
        BatchWriter batchWriter = new BatchWriter(json, sampleLimit, sampleEveryMs, dialect);
        SingleWriter.Target<AcceptedEvent> target = new SingleWriter.Target<>() {
            @Override
            public Runnable write(Handle handle, List<AcceptedEvent> part, long now) throws Exception {
                FlushOutcome outcome = batchWriter.write(handle.getConnection(), part, now);
                return () -> notifyListeners(outcome);
            }

            @Override
            public void deadLetter(AcceptedEvent event, Throwable failure, long now) {
                deadLetters.add(event, failure, now);
            }

            @Override
            public String describe(AcceptedEvent event) {
                return "An event of project " + event.projectId() + " (group " + event.fingerprint() + ")";
            }

            @Override
            public boolean awaited(AcceptedEvent event) {
                return event.waiter() != null;
            }
        };
        this.writer = new SingleWriter<>("bloop-writer", "events", "pipeline", queue, db, target,
                database.writeHealth(), journal,
                config.getFlushBatchSize(), config.getFlushInterval().toNanoseconds(),
                config.getDrainTimeout().toMilliseconds(), metrics);
        metrics.gauge("pipeline.dead_letters", () -> deadLetters::count);
    }

    /** See {@link SingleWriter#betweenFlushes}. */
    public void betweenFlushes(Runnable work) {
        writer.betweenFlushes(work);
    }

    public void addListener(FlushListener listener) {
        listeners.add(listener);
    }

    public boolean isRunning() {
        return writer.isRunning();
    }

    @Override
    public void start() {
        writer.start();
    }

    /** Stops taking events, commits everything already accepted (or spills it), then returns. */
    @Override
    public void stop() throws InterruptedException {
        writer.stop();
    }

    /**
     * Runs a flush of these events in a transaction that is rolled back: compiles the writer's hot
     * path before real events arrive. Uses its own batch writer, so it may run beside the writer thread.
     */
    public void warmUp(List<AcceptedEvent> events) throws java.sql.SQLException {
        BatchWriter scratch = new BatchWriter(json, sampleLimit, sampleEveryMs, dialect);
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

    /**
     * From now on, events of this project are dropped instead of committed; returns once no flush
     * that could still write one of them is running, so the project's rows can be deleted for good.
     */
    public void dropProject(String projectId) throws InterruptedException {
        writer.dropProject(projectId);
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
