package dev.bloop.service.pipeline;

/** The bounded hand-off between ingest and the event writer (see {@link BoundedQueue}). */
public final class EventQueue extends BoundedQueue<AcceptedEvent> {
    public EventQueue(int capacity) {
        super(capacity);
    }
}
