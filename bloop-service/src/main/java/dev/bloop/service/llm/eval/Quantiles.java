package dev.bloop.service.llm.eval;

import java.util.Arrays;

/**
 * Percentiles of a set of numbers: sorted first (the original bloop read a rank of an unsorted window),
 * then linear interpolation between the two nearest ranks (PERCENTILE_CONT, numpy's default), as the
 * latency figures of the LLM API.
 */
final class Quantiles {
    private final double[] sorted;

    private Quantiles(double[] sorted) {
        this.sorted = sorted;
    }

    static Quantiles of(double[] values, int size) {
        double[] copy = Arrays.copyOf(values, size);
        Arrays.sort(copy);
        return new Quantiles(copy);
    }

    int count() {
        return sorted.length;
    }

    /** The p-th percentile (0 ≤ p ≤ 1), or null without values. */
    Double at(double p) {
        if (sorted.length == 0) {
            return null;
        }
        double h = (sorted.length - 1) * p;
        int lo = (int) Math.floor(h);
        double frac = h - lo;
        if (frac == 0 || lo + 1 >= sorted.length) {
            return sorted[lo];
        }
        return sorted[lo] + frac * (sorted[lo + 1] - sorted[lo]);
    }

    Double mean() {
        if (sorted.length == 0) {
            return null;
        }
        double sum = 0;
        for (double v : sorted) {
            sum += v;
        }
        return sum / sorted.length;
    }
}
