package dev.bloop.service.pipeline;

/** What a {@link SingleWriter} needs to know of each item it commits. */
public interface Queued {
    /** The project the item belongs to: a project being deleted has its items dropped, not committed. */
    String projectId();

    /** Told once the item is kept for good; null when its request was answered on queueing. */
    CommitWaiter waiter();
}
