package dev.bloop.service.alert;

/**
 * A group's events in fixed-width time buckets (a whole number of minutes, aligned to the epoch like
 * {@code minute_counts}), holding enough of them to sum any window up to the horizon. Adding moves
 * the ring forward and forgets buckets that fell out of it; memory is fixed per ring.
 */
final class BucketRing {
    private final long width;
    private final int[] counts;
    private long head = Long.MIN_VALUE;

    /** @param width bucket width in ms; @param horizon the longest window that will be summed, in ms */
    BucketRing(long width, long horizon) {
        this.width = width;
        this.counts = new int[(int) (horizon / width) + 2];
    }

    long width() {
        return width;
    }

    /** Adds {@code n} events received at {@code at}; events older than the ring holds are ignored. */
    void add(long at, int n) {
        long k = Math.floorDiv(at, width);
        if (head == Long.MIN_VALUE) {
            head = k;
        } else if (k > head) {
            long steps = Math.min(k - head, counts.length);
            for (long i = 1; i <= steps; i++) {
                counts[slot(head + i)] = 0;
            }
            head = k;
        } else if (k <= head - counts.length) {
            return;
        }
        counts[slot(k)] += n;
    }

    /** Events in the buckets from the one holding {@code from} up to the newest. */
    long sumSince(long from) {
        if (head == Long.MIN_VALUE) {
            return 0;
        }
        long first = Math.max(Math.floorDiv(from, width), head - counts.length + 1);
        long total = 0;
        for (long k = first; k <= head; k++) {
            total += counts[slot(k)];
        }
        return total;
    }

    private int slot(long k) {
        return (int) Math.floorMod(k, (long) counts.length);
    }

    /** Whole minutes, at least one, about a sixtieth of the window: minute-exact up to an hour. */
    static long widthFor(long windowMs) {
        long minutes = Math.max(1, (windowMs / 60_000 + 59) / 60);
        return minutes * 60_000;
    }
}
