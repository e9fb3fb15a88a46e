package dev.bloop.service.llm;

/**
 * Exact percentiles of a distribution given as ascending values with their counts (a histogram at
 * the data's own resolution, whole milliseconds): the same result as sorting every value, with
 * linear interpolation between the two nearest ranks (PERCENTILE_CONT; numpy's default).
 */
final class Percentiles {
    private final long[] values;
    private final long[] counts;
    private final int size;
    private final long total;

    private Percentiles(long[] values, long[] counts, int size, long total) {
        this.values = values;
        this.counts = counts;
        this.size = size;
        this.total = total;
    }

    /** From parallel arrays, values ascending; counts of 0 or less are skipped. */
    static Percentiles of(long[] values, long[] counts, int size) {
        long total = 0;
        for (int i = 0; i < size; i++) {
            if (counts[i] > 0) {
                total += counts[i];
            }
        }
        return new Percentiles(values, counts, size, total);
    }

    long count() {
        return total;
    }

    /** The p-th percentile (0 ≤ p ≤ 1), or null without values. */
    Double at(double p) {
        if (total == 0) {
            return null;
        }
        double h = (total - 1) * p;
        long lo = (long) Math.floor(h);
        double frac = h - lo;
        long a = valueAtRank(lo);
        if (frac == 0) {
            return (double) a;
        }
        long b = valueAtRank(lo + 1);
        return a + frac * (b - a);
    }

    /** The value at 0-based rank {@code rank} of the sorted values. */
    private long valueAtRank(long rank) {
        long seen = 0;
        for (int i = 0; i < size; i++) {
            if (counts[i] <= 0) {
                continue;
            }
            seen += counts[i];
            if (rank < seen) {
                return values[i];
            }
        }
        return values[size - 1];
    }
}
