package dev.bloop.service.llm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Percentiles from value counts equal percentiles from the sorted values themselves. */
class PercentilesTest {
    /** PERCENTILE_CONT over a sorted array: the textbook definition, to compare with. */
    private static double sorted(long[] v, double p) {
        double h = (v.length - 1) * p;
        int lo = (int) Math.floor(h);
        return lo + 1 < v.length ? v[lo] + (h - lo) * (v[lo + 1] - v[lo]) : v[lo];
    }

    @Test
    void countsGiveTheSameAnswerAsSortingEveryValue() {
        Random random = new Random(42);
        for (int round = 0; round < 200; round++) {
            int n = 1 + random.nextInt(400);
            long[] all = new long[n];
            for (int i = 0; i < n; i++) {
                all[i] = random.nextInt(50) * 10L; // many repeated values, as whole milliseconds are
            }
            Arrays.sort(all);
            long[] values = Arrays.stream(all).distinct().toArray();
            long[] counts = new long[values.length];
            for (long v : all) {
                counts[Arrays.binarySearch(values, v)]++;
            }
            Percentiles p = Percentiles.of(values, counts, values.length);
            for (double q : new double[] {0, 0.25, 0.5, 0.9, 0.95, 0.99, 1}) {
                assertThat(p.at(q)).as("n=%d q=%s", n, q).isCloseTo(sorted(all, q), org.assertj.core.data.Offset.offset(1e-9));
            }
        }
    }

    @Test
    void noValuesHaveNoPercentileAndZeroCountsAreSkipped() {
        assertThat(Percentiles.of(new long[0], new long[0], 0).at(0.5)).isNull();
        Percentiles p = Percentiles.of(new long[] {10, 20, 30}, new long[] {1, 0, 1}, 3);
        assertThat(p.count()).isEqualTo(2);
        assertThat(p.at(0.5)).isEqualTo(20.0); // halfway between 10 and 30
    }
}
