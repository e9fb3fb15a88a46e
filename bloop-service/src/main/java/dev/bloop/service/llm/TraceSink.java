package dev.bloop.service.llm;

import dev.bloop.api.llm.TraceIn;
import dev.bloop.api.llm.TraceUpdate;
import dev.bloop.service.ingest.InvalidEvent;
import dev.bloop.service.pipeline.BoundedQueue;
import dev.bloop.service.store.WriteHealth;
import java.util.List;

/**
 * Traces that bloop records itself (the LLM proxy) on the same path as signed trace ingest: the
 * project's content storage, the same checks and buckets, the pending-trace index and the LLM
 * writer's queue. A trace whose id is already stored or queued in the project gets the new spans
 * added (an update) rather than being replaced, so that calls grouped under one trace id add up.
 * Callers record one trace at a time from one thread, so two calls of one trace cannot both create it.
 */
public final class TraceSink {
    private final TraceValidator validator;
    private final BoundedQueue<QueuedTrace> queue;
    private final PendingTraces pending;
    private final Policies policies;
    private final KnownTraces known;
    private final WriteHealth health;

    TraceSink(TraceValidator validator, BoundedQueue<QueuedTrace> queue, PendingTraces pending, Policies policies,
              KnownTraces known, WriteHealth health) {
        this.validator = validator;
        this.queue = queue;
        this.pending = pending;
        this.policies = policies;
        this.known = known;
        this.health = health;
    }

    /** Whether a trace could be taken now: ACCEPTED, FULL (the queue) or CLOSED (storage failing). */
    public BoundedQueue.Offer admits() {
        if (health.isFailing()) {
            return BoundedQueue.Offer.CLOSED;
        }
        return queue.isFull() ? BoundedQueue.Offer.FULL : BoundedQueue.Offer.ACCEPTED;
    }

    /**
     * Checks a call's experiment and variant before it is forwarded: a call whose trace would be
     * refused at recording must be refused first, or its span would be lost after the provider answered.
     */
    public void checkTags(String projectId, String experiment, String variant) throws InvalidEvent {
        validator.checkTags(projectId, experiment, variant);
    }

    /** Whether the project keeps prompts and completions at all (content storage other than {@code none}). */
    public boolean keepsContent(String projectId) {
        return policies.storage(projectId) != ContentStorage.NONE;
    }

    /**
     * Queues the trace (or, when its id exists in the project, its spans and end as an update); FULL or
     * CLOSED when the queue did not take it, and nothing was kept.
     *
     * @param mayExist false for an id bloop just made up: no need to look for it
     */
    public BoundedQueue.Offer record(TraceIn trace, String projectId, long receivedAt, boolean mayExist)
            throws InvalidEvent {
        synchronized (known) {
            return findAndQueue(trace, projectId, receivedAt, mayExist);
        }
    }

    private BoundedQueue.Offer findAndQueue(TraceIn trace, String projectId, long receivedAt, boolean mayExist)
            throws InvalidEvent {
        ContentStorage storage = policies.storage(projectId);
        PendingTraces.Seen seen = trace.id() == null || !mayExist ? null
                : known.find(projectId, trace.id());
        QueuedTrace queued;
        if (seen == null) {
            queued = validator.trace(trace, projectId, receivedAt, storage);
        } else {
            Long endedAt = trace.endedAt() != null && trace.endedAt() >= seen.startedAt() ? trace.endedAt() : null;
            queued = validator.update(trace.id(), new TraceUpdate(null, endedAt, null, null, trace.spans()), projectId,
                    receivedAt, storage, seen.parents(), seen.startedAt());
        }
        pending.add(queued, queued.startedAt() != null ? queued.startedAt() : queued.receivedAt());
        BoundedQueue.Offer offer = queue.offerAll(List.of(queued));
        if (offer != BoundedQueue.Offer.ACCEPTED) {
            pending.release(queued);
        }
        return offer;
    }
}
