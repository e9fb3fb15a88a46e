package dev.bloop.service.llm.stats;

import org.apache.commons.math3.distribution.HypergeometricDistribution;
import org.apache.commons.math3.distribution.NormalDistribution;

/**
 * Rates (error rate, eval pass rate, thumbs-up rate): Wilson intervals per arm and the comparison of
 * two rates, by the two-proportion z-test (pooled standard error; the same as a 2×2 chi-square
 * without continuity correction, z² = χ²) or, when an expected cell is under 5 and the normal
 * approximation is poor, by Fisher's exact test.
 */
public final class Proportions {

    /**
     * @param test       {@code two_proportion_z} or {@code fisher_exact}
     * @param z          the z statistic of rate(B) − rate(A) (NaN for Fisher's test)
     * @param p          the two-sided p-value
     * @param difference rate(B) − rate(A)
     * @param interval   the 95 % confidence interval of the difference (Newcombe's hybrid score
     *                   interval from the two Wilson intervals; good at small counts and near 0)
     */
    public record Result(String test, double z, double p, double difference, Interval interval) {}

    public static final String Z_TEST = "two_proportion_z";
    public static final String FISHER = "fisher_exact";

    private static final NormalDistribution NORMAL = new NormalDistribution(null, 0, 1);
    private static final double Z95 = NORMAL.inverseCumulativeProbability(0.975);

    private Proportions() {}

    /** The 95 % Wilson score interval of events out of n (0..1); [0, 1] when n is 0. */
    public static Interval wilson(long events, long n) {
        return wilson(events, n, 0.95);
    }

    /** The Wilson score interval of events out of n at the given confidence (e.g. 0.95). */
    public static Interval wilson(long events, long n, double confidence) {
        check(events, n);
        if (n == 0) {
            return new Interval(0, 1);
        }
        double z = NORMAL.inverseCumulativeProbability(1 - (1 - confidence) / 2);
        double p = (double) events / n;
        double z2 = z * z;
        double denominator = 1 + z2 / n;
        double centre = (p + z2 / (2.0 * n)) / denominator;
        double half = z * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / denominator;
        return new Interval(Math.max(0, centre - half), Math.min(1, centre + half));
    }

    /** Compares two rates with the test that fits the counts: Fisher's when an expected cell is under 5. */
    public static Result compare(long eventsA, long nA, long eventsB, long nB) {
        return smallestExpectedCell(eventsA, nA, eventsB, nB) < 5
                ? fisherExact(eventsA, nA, eventsB, nB)
                : zTest(eventsA, nA, eventsB, nB);
    }

    /** The smallest expected count of the 2×2 table under "the rates are equal" (0 without data). */
    public static double smallestExpectedCell(long eventsA, long nA, long eventsB, long nB) {
        long n = nA + nB;
        if (nA == 0 || nB == 0) {
            return 0;
        }
        double events = eventsA + eventsB;
        double nonEvents = n - events;
        return Math.min(Math.min(nA, nB) * events, Math.min(nA, nB) * nonEvents) / n;
    }

    /** The two-proportion z-test with the pooled standard error. */
    public static Result zTest(long eventsA, long nA, long eventsB, long nB) {
        check(eventsA, nA);
        check(eventsB, nB);
        if (nA == 0 || nB == 0) {
            throw new IllegalArgumentException("the z-test needs trials in both arms");
        }
        double pa = (double) eventsA / nA;
        double pb = (double) eventsB / nB;
        double pooled = (double) (eventsA + eventsB) / (nA + nB);
        double se = Math.sqrt(pooled * (1 - pooled) * (1.0 / nA + 1.0 / nB));
        double z = se == 0 ? 0 : (pb - pa) / se;
        double p = se == 0 ? 1 : Math.min(1, 2 * NORMAL.cumulativeProbability(-Math.abs(z)));
        return new Result(Z_TEST, z, p, pb - pa, newcombe(eventsA, nA, eventsB, nB));
    }

    /**
     * Fisher's exact test of the 2×2 table (events, non-events) × (A, B), two-sided as in R's
     * {@code fisher.test}: the probability of every table with the same margins that is no more
     * likely than the observed one.
     */
    public static Result fisherExact(long eventsA, long nA, long eventsB, long nB) {
        check(eventsA, nA);
        check(eventsB, nB);
        if (nA == 0 || nB == 0) {
            throw new IllegalArgumentException("Fisher's test needs trials in both arms");
        }
        int population = Math.toIntExact(nA + nB);
        int successes = Math.toIntExact(eventsA + eventsB);
        HypergeometricDistribution dist = new HypergeometricDistribution(null, population, successes,
                Math.toIntExact(nA));
        int observed = Math.toIntExact(eventsA);
        double observedP = dist.probability(observed);
        double p = 0;
        int low = Math.max(0, successes - Math.toIntExact(nB));
        int high = Math.min(successes, Math.toIntExact(nA));
        for (int x = low; x <= high; x++) {
            double px = dist.probability(x);
            if (px <= observedP * (1 + 1e-7)) { // R's relative tolerance for equal probabilities
                p += px;
            }
        }
        double pa = (double) eventsA / nA;
        double pb = (double) eventsB / nB;
        return new Result(FISHER, Double.NaN, Math.min(1, p), pb - pa, newcombe(eventsA, nA, eventsB, nB));
    }

    /** Newcombe's method 10: the difference's interval from the arms' Wilson intervals. */
    private static Interval newcombe(long eventsA, long nA, long eventsB, long nB) {
        double pa = (double) eventsA / nA;
        double pb = (double) eventsB / nB;
        Interval a = wilson(eventsA, nA);
        Interval b = wilson(eventsB, nB);
        double d = pb - pa;
        double low = d - Math.sqrt(sq(pb - b.low()) + sq(a.high() - pa));
        double high = d + Math.sqrt(sq(b.high() - pb) + sq(pa - a.low()));
        return new Interval(low, high);
    }

    private static double sq(double x) {
        return x * x;
    }

    private static void check(long events, long n) {
        if (n < 0 || events < 0 || events > n) {
            throw new IllegalArgumentException("need 0 <= events <= n, got " + events + " of " + n);
        }
    }
}
