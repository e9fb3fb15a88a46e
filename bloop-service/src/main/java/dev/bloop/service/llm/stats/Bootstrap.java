package dev.bloop.service.llm.stats;

import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;
import org.apache.commons.math3.stat.descriptive.rank.Percentile;

/**
 * Percentile-bootstrap confidence interval of the difference of a quantile between two arms (e.g.
 * the p95 latency), which has no closed form. Seeded, so the same data always gives the same interval.
 */
public final class Bootstrap {

    /** Resamples used by {@link #p95Difference(double[], double[], long)}. */
    public static final int RESAMPLES = 2000;

    /**
     * @param estimate the quantile of B minus the quantile of A on the data themselves
     * @param interval the 95 % percentile-bootstrap interval of that difference
     */
    public record Result(double estimate, Interval interval) {}

    private Bootstrap() {}

    /** The p95 of B minus the p95 of A with its 95 % interval, from {@value #RESAMPLES} resamples. */
    public static Result p95Difference(double[] a, double[] b, long seed) {
        return quantileDifference(a, b, 0.95, RESAMPLES, seed);
    }

    /**
     * The q-quantile (0 &lt; q &lt; 1, linear interpolation as numpy's default) of B minus that of A,
     * with the 95 % percentile interval from resamples drawn with a generator seeded with seed.
     */
    public static Result quantileDifference(double[] a, double[] b, double q, int resamples, long seed) {
        if (a.length == 0 || b.length == 0 || resamples < 1) {
            throw new IllegalArgumentException("the bootstrap needs values in both arms");
        }
        Percentile percentile = new Percentile().withEstimationType(Percentile.EstimationType.R_7);
        double at = q * 100;
        double estimate = percentile.evaluate(b, at) - percentile.evaluate(a, at);
        RandomGenerator random = new Well19937c(seed);
        double[] diffs = new double[resamples];
        double[] ra = new double[a.length];
        double[] rb = new double[b.length];
        for (int r = 0; r < resamples; r++) {
            resample(a, ra, random);
            resample(b, rb, random);
            diffs[r] = percentile.evaluate(rb, at) - percentile.evaluate(ra, at);
        }
        return new Result(estimate, new Interval(percentile.evaluate(diffs, 2.5), percentile.evaluate(diffs, 97.5)));
    }

    private static void resample(double[] from, double[] into, RandomGenerator random) {
        for (int i = 0; i < into.length; i++) {
            into[i] = from[random.nextInt(from.length)];
        }
    }
}
