package dev.bloop.service.pipeline;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * For {@code ingest.ack: committed}: the request that brought some events waits for all of them to be
 * kept for good (committed, dead-lettered, or written to the spill journal) before it answers. Called
 * on the writer thread, so {@code whenKept} must only hand the answer to another thread.
 */
public final class CommitWaiter {
    private final AtomicInteger pending;
    private final Runnable whenKept;

    public CommitWaiter(int events, Runnable whenKept) {
        this.pending = new AtomicInteger(events);
        this.whenKept = whenKept;
    }

    void kept() {
        if (pending.decrementAndGet() == 0) {
            whenKept.run();
        }
    }
}
