package dev.bloop.service.llm.stats;

import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.stat.StatUtils;

/**
 * Welch's unequal-variance t-test of two means, the test for a mean such as cost per call (the mean
 * is what the bill is): it does not assume the arms share a variance, which two prompts rarely do.
 */
public final class Welch {

    /**
     * @param t          the t statistic of mean(B) − mean(A)
     * @param df         the Welch–Satterthwaite degrees of freedom
     * @param p          the two-sided p-value
     * @param difference mean(B) − mean(A)
     * @param interval   the 95 % confidence interval of the difference
     */
    public record Result(double t, double df, double p, double difference, Interval interval) {}

    private Welch() {}

    /** Compares the means of a and b; each needs at least two values. */
    public static Result test(double[] a, double[] b) {
        if (a.length < 2 || b.length < 2) {
            throw new IllegalArgumentException("Welch's t-test needs at least two values per arm");
        }
        double va = StatUtils.variance(a) / a.length;
        double vb = StatUtils.variance(b) / b.length;
        double difference = StatUtils.mean(b) - StatUtils.mean(a);
        double se = Math.sqrt(va + vb);
        if (se == 0) {
            // Both arms constant: the means either are the same or differ with certainty.
            double df = a.length + b.length - 2;
            return new Result(difference == 0 ? 0 : Math.copySign(Double.POSITIVE_INFINITY, difference), df,
                    difference == 0 ? 1 : 0, difference, new Interval(difference, difference));
        }
        double df = (va + vb) * (va + vb)
                / (va * va / (a.length - 1) + vb * vb / (b.length - 1));
        double t = difference / se;
        TDistribution dist = new TDistribution(null, df);
        double p = Math.min(1, 2 * dist.cumulativeProbability(-Math.abs(t)));
        double q = dist.inverseCumulativeProbability(0.975);
        return new Result(t, df, p, difference, new Interval(difference - q * se, difference + q * se));
    }
}
