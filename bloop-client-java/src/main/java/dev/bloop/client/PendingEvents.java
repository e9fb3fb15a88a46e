package dev.bloop.client;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Serialized events waiting to be sent, bounded: when full, the oldest event is dropped and counted,
 * so a caller is never blocked. Events leave in order (sent, refused, dropped, or put back at the
 * front for a retry), which lets {@link #awaitResolved} tell when everything queued before a point
 * has been dealt with.
 */
final class PendingEvents {
    private final int capacity;
    private final ArrayDeque<byte[]> events = new ArrayDeque<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private long enqueued;
    private long resolved;
    private long dropped;
    private int flushWaiters;

    PendingEvents(int capacity) {
        this.capacity = capacity;
    }

    void add(byte[] event, int wakeAt) {
        lock.lock();
        try {
            if (events.size() >= capacity) {
                events.pollFirst();
                dropped++;
                resolved++;
            }
            events.addLast(event);
            enqueued++;
            if (events.size() >= wakeAt) {
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Up to {@code maxEvents} from the front whose JSON fits in {@code maxBytes} with separators. */
    List<byte[]> take(int maxEvents, int maxBytes) {
        lock.lock();
        try {
            List<byte[]> batch = new ArrayList<>(Math.min(maxEvents, events.size()));
            int bytes = 0;
            while (batch.size() < maxEvents && !events.isEmpty()) {
                int next = events.peekFirst().length + 1;
                if (!batch.isEmpty() && bytes + next > maxBytes) {
                    break;
                }
                batch.add(events.pollFirst());
                bytes += next;
            }
            return batch;
        } finally {
            lock.unlock();
        }
    }

    /** A batch to retry goes back in front; if that overflows, the oldest events are the ones dropped. */
    void putBack(List<byte[]> batch) {
        lock.lock();
        try {
            for (int i = batch.size() - 1; i >= 0; i--) {
                events.addFirst(batch.get(i));
            }
            while (events.size() > capacity) {
                events.pollFirst();
                dropped++;
                resolved++;
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    void resolved(int count) {
        lock.lock();
        try {
            resolved += count;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Everything still queued is given up (a close that ran out of time); returns how many. */
    int abandon() {
        lock.lock();
        try {
            int n = events.size();
            events.clear();
            dropped += n;
            resolved += n;
            changed.signalAll();
            return n;
        } finally {
            lock.unlock();
        }
    }

    /** Waits until {@code wakeAt} events wait, a flush is asked for, or the timeout passes. */
    void awaitWork(long timeoutNanos, int wakeAt) throws InterruptedException {
        lock.lock();
        try {
            long remaining = timeoutNanos;
            while (events.size() < wakeAt && !(flushWaiters > 0 && !events.isEmpty()) && remaining > 0) {
                remaining = changed.awaitNanos(remaining);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Waits until every event enqueued so far has left the queue for good, or the deadline passes. */
    boolean awaitResolved(long deadlineNanos) throws InterruptedException {
        lock.lock();
        try {
            long target = enqueued;
            flushWaiters++;
            changed.signalAll();
            try {
                while (resolved < target) {
                    long remaining = deadlineNanos - System.nanoTime();
                    if (remaining <= 0) {
                        return false;
                    }
                    changed.awaitNanos(Math.min(remaining, TimeUnit.MILLISECONDS.toNanos(50)));
                }
                return true;
            } finally {
                flushWaiters--;
            }
        } finally {
            lock.unlock();
        }
    }

    void wakeUp() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    int size() {
        lock.lock();
        try {
            return events.size();
        } finally {
            lock.unlock();
        }
    }

    long dropped() {
        lock.lock();
        try {
            return dropped;
        } finally {
            lock.unlock();
        }
    }

    void countDropped(int n) {
        lock.lock();
        try {
            dropped += n;
        } finally {
            lock.unlock();
        }
    }
}
