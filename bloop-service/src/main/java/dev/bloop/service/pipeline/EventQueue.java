package dev.bloop.service.pipeline;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bounded hand-off between HTTP threads and the writer. A batch is admitted whole or not at
 * all (capacity permits are taken in one step), so a 429 never leaves half a batch behind. After
 * {@link #close()} no offer succeeds, and {@link #awaitOffersDone} lets the writer wait for offers
 * already past the check so that its final drain sees every acknowledged event.
 */
public final class EventQueue {
    public enum Offer { ACCEPTED, FULL, CLOSED }

    private final int capacity;
    private final Semaphore free;
    private final LinkedBlockingQueue<AcceptedEvent> events = new LinkedBlockingQueue<>();
    private final AtomicInteger offering = new AtomicInteger();
    private volatile boolean closed;

    public EventQueue(int capacity) {
        this.capacity = capacity;
        this.free = new Semaphore(capacity);
    }

    public Offer offer(AcceptedEvent event) {
        return offerAll(List.of(event));
    }

    public Offer offerAll(Collection<AcceptedEvent> batch) {
        if (batch.isEmpty()) {
            return Offer.ACCEPTED;
        }
        offering.incrementAndGet();
        try {
            if (closed) {
                return Offer.CLOSED;
            }
            if (!free.tryAcquire(batch.size())) {
                return Offer.FULL;
            }
            events.addAll(batch);
            return Offer.ACCEPTED;
        } finally {
            offering.decrementAndGet();
        }
    }

    AcceptedEvent poll(long timeout, TimeUnit unit) throws InterruptedException {
        AcceptedEvent e = events.poll(timeout, unit);
        if (e != null) {
            free.release();
        }
        return e;
    }

    int drainTo(Collection<AcceptedEvent> sink, int max) {
        int n = events.drainTo(sink, max);
        if (n > 0) {
            free.release(n);
        }
        return n;
    }

    void close() {
        closed = true;
    }

    /** Waits until no offer is between its closed-check and its add. */
    void awaitOffersDone() {
        while (offering.get() > 0) {
            Thread.onSpinWait();
        }
    }

    /** No room for even one event: callers can refuse before doing any work for the request. */
    public boolean isFull() {
        return free.availablePermits() == 0;
    }

    public int depth() {
        return events.size();
    }

    public int capacity() {
        return capacity;
    }

    public double usage() {
        return (double) (capacity - free.availablePermits()) / capacity;
    }
}
