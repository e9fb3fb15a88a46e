package dev.bloop.service.llm.stats;

import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.stat.ranking.NaNStrategy;
import org.apache.commons.math3.stat.ranking.NaturalRanking;
import org.apache.commons.math3.stat.ranking.TiesStrategy;

/**
 * The Mann-Whitney U (Wilcoxon rank-sum) test: whether values of one arm tend to be larger than the
 * other's, for heavy-tailed values such as latency where a few slow calls dominate a mean. It is
 * not a test of medians. The p-value uses the normal approximation with the variance corrected for
 * ties (latencies in whole ms tie often) and a continuity correction, as R's
 * {@code wilcox.test(a, b, exact = FALSE)}; bloop only calls a winner from 30 units per arm, where
 * the approximation is good.
 */
public final class MannWhitney {

    /**
     * @param u                   the pairs (a, b) with a > b, ties counted one half (R's W)
     * @param z                   the standardised U, continuity-corrected; positive when A tends larger
     * @param p                   the two-sided p-value
     * @param probabilityBGreater the chance that a random B value exceeds a random A value, ties half
     *                            (the common-language effect size; 0.5 is no effect)
     */
    public record Result(double u, double z, double p, double probabilityBGreater) {}

    private static final NormalDistribution NORMAL = new NormalDistribution(null, 0, 1);

    private MannWhitney() {}

    /** Compares a and b; each needs at least one value. */
    public static Result test(double[] a, double[] b) {
        if (a.length == 0 || b.length == 0) {
            throw new IllegalArgumentException("the Mann-Whitney U test needs values in both arms");
        }
        int na = a.length;
        int nb = b.length;
        int n = na + nb;
        double[] all = new double[n];
        System.arraycopy(a, 0, all, 0, na);
        System.arraycopy(b, 0, all, na, nb);
        double[] ranks = new NaturalRanking(NaNStrategy.FAILED, TiesStrategy.AVERAGE).rank(all);
        double rankSumA = 0;
        for (int i = 0; i < na; i++) {
            rankSumA += ranks[i];
        }
        double u = rankSumA - na * (na + 1.0) / 2;
        double pairs = (double) na * nb;
        double mean = pairs / 2;
        double variance = pairs / 12 * ((n + 1) - tieTerm(all) / ((double) n * (n - 1)));
        double z;
        double p;
        if (variance <= 0) {
            z = 0;
            p = 1; // every value the same
        } else {
            double centred = u - mean;
            z = (centred - Math.signum(centred) * 0.5) / Math.sqrt(variance);
            p = Math.min(1, 2 * NORMAL.cumulativeProbability(-Math.abs(z)));
        }
        return new Result(u, z, p, 1 - u / pairs);
    }

    /** Σ (t³ − t) over the groups of t equal values. */
    private static double tieTerm(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        double sum = 0;
        int i = 0;
        while (i < sorted.length) {
            int j = i;
            while (j + 1 < sorted.length && sorted[j + 1] == sorted[i]) {
                j++;
            }
            double t = j - i + 1;
            sum += t * t * t - t;
            i = j + 1;
        }
        return sum;
    }
}
