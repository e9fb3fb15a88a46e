package dev.bloop.service.pipeline;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bounded hand-off between HTTP threads and a {@link SingleWriter}. A batch is admitted whole or
 * not at all (capacity permits are taken in one step), so a 429 never leaves half a batch behind.
 * After {@link #close()} no offer succeeds, and {@link #awaitOffersDone} lets the writer wait for
 * offers already past the check so that its final drain sees every acknowledged item.
 *
 * @param <T> what is queued: accepted events, accepted traces
 */
public class BoundedQueue<T> {
    public enum Offer { ACCEPTED, FULL, CLOSED }

    private final int capacity;
    private final Semaphore free;
    private final LinkedBlockingQueue<T> items = new LinkedBlockingQueue<>();
    private final AtomicInteger offering = new AtomicInteger();
    private volatile boolean closed;

    public BoundedQueue(int capacity) {
        this.capacity = capacity;
        this.free = new Semaphore(capacity);
    }

    public Offer offer(T item) {
        return offerAll(List.of(item));
    }

    public Offer offerAll(Collection<? extends T> batch) {
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
            items.addAll(batch);
            return Offer.ACCEPTED;
        } finally {
            offering.decrementAndGet();
        }
    }

    T poll(long timeout, TimeUnit unit) throws InterruptedException {
        T e = items.poll(timeout, unit);
        if (e != null) {
            free.release();
        }
        return e;
    }

    int drainTo(Collection<? super T> sink, int max) {
        int n = items.drainTo(sink, max);
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

    /** No room for even one item: callers can refuse before doing any work for the request. */
    public boolean isFull() {
        return free.availablePermits() == 0;
    }

    public int depth() {
        return items.size();
    }

    public int capacity() {
        return capacity;
    }

    public double usage() {
        return (double) (capacity - free.availablePermits()) / capacity;
    }
}
