package dev.bloop.service.llm;

import dev.bloop.api.llm.TraceIn;
import dev.bloop.service.ingest.InvalidEvent;
import dev.bloop.service.pipeline.BoundedQueue;
import java.util.ArrayList;
import java.util.List;

/**
 * The LLM trace path after authentication, for traces that arrive in other shapes (OTLP import): the
 * same validation, content storage, limits and writer queue as {@code POST /v1/traces}. A trace whose
 * id is already stored or queued gets its new spans added and its window widened
 * ({@link TraceValidator#part}), so spans of one trace may arrive in several requests, in any order, as
 * exporters send them.
 */
public final class TraceIntake {
    /** What became of the traces: the accepted ones were queued; each refused one with its reason. */
    public record Outcome(BoundedQueue.Offer offer, List<String> accepted, List<Refused> refused) {
    }

    /** A trace the validator refused, by its index in the request. */
    public record Refused(int index, String message) {
    }

    /** The name of a span that stands for a parent not received yet. */
    public static final String PLACEHOLDER = "(parent span not received yet)";

    private final TraceValidator validator;
    private final BoundedQueue<QueuedTrace> queue;
    private final PendingTraces pending;
    private final Policies policies;
    private final KnownTraces known;
    private final LlmTracingConfig config;

    TraceIntake(TraceValidator validator, BoundedQueue<QueuedTrace> queue, PendingTraces pending, Policies policies,
                KnownTraces known, LlmTracingConfig config) {
        this.validator = validator;
        this.queue = queue;
        this.pending = pending;
        this.policies = policies;
        this.known = known;
        this.config = config;
    }

    public LlmTracingConfig config() {
        return config;
    }

    /** The queue the writer drains (for an ingest door's refusals before the body). */
    public BoundedQueue<?> queue() {
        return queue;
    }

    /** Whether the project keeps prompts and completions (content storage {@code full}). */
    public boolean keepsContent(String projectId) {
        return policies.storage(projectId).keepsContent();
    }

    /** Whether the project keeps metadata ({@code metadata_only} or {@code full}). */
    public boolean keepsMetadata(String projectId) {
        return policies.storage(projectId).keepsMetadata();
    }

    /**
     * Validates each trace and queues the valid ones, all of them or none (the offer says why not),
     * under {@link KnownTraces}' lock: the spans of one trace arrive in concurrent requests (an
     * exporter sends each span as it ends).
     */
    public Outcome accept(String projectId, List<TraceIn> traces) {
        synchronized (known) {
            return findAndQueue(projectId, traces);
        }
    }

    private Outcome findAndQueue(String projectId, List<TraceIn> traces) {
        long now = System.currentTimeMillis();
        ContentStorage storage = policies.storage(projectId);
        List<QueuedTrace> valid = new ArrayList<>(traces.size());
        List<Refused> refused = new ArrayList<>();
        for (int i = 0; i < traces.size(); i++) {
            TraceIn t = traces.get(i);
            try {
                PendingTraces.Seen seen = t.id() == null ? null : known.find(projectId, t.id());
                boolean hasRoot = t.spans() != null && t.spans().stream().anyMatch(s -> s != null
                        && s.parentSpanId() == null);
                t = adoptOrphans(t, seen == null ? java.util.Set.of() : seen.parents().keySet());
                if (seen == null) {
                    valid.add(validator.trace(t, projectId, now, storage));
                } else {
                    valid.add(validator.part(t, hasRoot, projectId, now, storage, seen.parents(), seen.startedAt()));
                }
            } catch (InvalidEvent e) {
                refused.add(new Refused(i, e.getMessage()));
            }
        }
        for (QueuedTrace t : valid) {
            pending.add(t, t.startedAt() != null ? t.startedAt() : t.receivedAt());
        }
        BoundedQueue.Offer offer = valid.isEmpty() ? BoundedQueue.Offer.ACCEPTED : queue.offerAll(valid);
        if (offer != BoundedQueue.Offer.ACCEPTED) {
            pending.release(valid);
            return new Outcome(offer, List.of(), refused);
        }
        return new Outcome(offer, valid.stream().map(QueuedTrace::id).toList(), refused);
    }

    /**
     * A span whose parent is neither in the request nor stored yet (exporters send a child, which ends
     * first, before its parent) gets a placeholder parent of that id, which the parent replaces when
     * it comes: the tree holds whatever order the spans arrive in.
     */
    private static TraceIn adoptOrphans(TraceIn t, java.util.Set<String> stored) {
        if (t.spans() == null) {
            return t;
        }
        java.util.Set<String> known = new java.util.HashSet<>(stored);
        t.spans().forEach(s -> known.add(s.id()));
        List<dev.bloop.api.llm.SpanIn> spans = new ArrayList<>(t.spans());
        for (dev.bloop.api.llm.SpanIn s : t.spans()) {
            if (s.parentSpanId() != null && known.add(s.parentSpanId())) {
                spans.add(new dev.bloop.api.llm.SpanIn(s.parentSpanId(), null, "custom", PLACEHOLDER, null, null, null,
                        null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                        s.startedAt(), null));
            }
        }
        return spans.size() == t.spans().size() ? t : new TraceIn(t.id(), t.sessionId(), t.userId(), t.name(),
                t.status(), t.input(), t.output(), t.metadata(), t.startedAt(), t.endedAt(), spans, t.promptName(),
                t.promptVersion(), t.experiment(), t.variant());
    }
}
