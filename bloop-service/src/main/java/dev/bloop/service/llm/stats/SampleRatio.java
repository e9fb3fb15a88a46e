package dev.bloop.service.llm.stats;

import org.apache.commons.math3.distribution.ChiSquaredDistribution;

/**
 * The sample-ratio-mismatch check: a χ² goodness-of-fit test of the units each variant got against
 * the configured weights. A mismatch means assignment or logging is broken (a variant that crashes
 * before its trace is sent, a client that ignores the assignment), and then no comparison of the
 * arms can be trusted.
 */
public final class SampleRatio {

    /** Flag a mismatch below this p-value: strict, because the check runs on every look. */
    public static final double THRESHOLD = 0.001;

    /**
     * @param chiSquare the χ² statistic
     * @param df        degrees of freedom (arms − 1)
     * @param p         the p-value of the split under the weights
     * @param mismatch  whether p &lt; {@link #THRESHOLD}
     */
    public record Result(double chiSquare, int df, double p, boolean mismatch) {}

    private SampleRatio() {}

    /** Checks observed counts per arm against weights (any positive scale); at least two arms. */
    public static Result check(long[] observed, double[] weights) {
        if (observed.length != weights.length || observed.length < 2) {
            throw new IllegalArgumentException("need one weight per arm and at least two arms");
        }
        double weightSum = 0;
        long total = 0;
        for (int i = 0; i < observed.length; i++) {
            if (!(weights[i] > 0) || observed[i] < 0) {
                throw new IllegalArgumentException("weights must be positive and counts not negative");
            }
            weightSum += weights[i];
            total += observed[i];
        }
        int df = observed.length - 1;
        if (total == 0) {
            return new Result(0, df, 1, false);
        }
        double chi = 0;
        for (int i = 0; i < observed.length; i++) {
            double expected = total * weights[i] / weightSum;
            double d = observed[i] - expected;
            chi += d * d / expected;
        }
        double p = 1 - new ChiSquaredDistribution(null, df).cumulativeProbability(chi);
        return new Result(chi, df, p, p < THRESHOLD);
    }
}
