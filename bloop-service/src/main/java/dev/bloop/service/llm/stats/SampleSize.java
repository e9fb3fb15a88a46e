package dev.bloop.service.llm.stats;

import org.apache.commons.math3.distribution.NormalDistribution;

/**
 * Units per arm needed to detect a difference with two equal arms (defaults: two-sided α = 0.05,
 * power 0.8). Fixing this in advance, and not calling a winner before it is reached, is what keeps
 * a watched dashboard from declaring winners by chance.
 */
public final class SampleSize {

    public static final double ALPHA = 0.05;
    public static final double POWER = 0.8;

    private static final NormalDistribution NORMAL = new NormalDistribution(null, 0, 1);

    private SampleSize() {}

    /** Per arm for a mean shift of delta with standard deviation sd: 2(z₁₋α/₂ + z₁₋β)² σ² / δ². */
    public static long forMeans(double sd, double delta) {
        return forMeans(sd, delta, ALPHA, POWER);
    }

    public static long forMeans(double sd, double delta, double alpha, double power) {
        if (delta == 0) {
            throw new IllegalArgumentException("a difference of 0 cannot be detected");
        }
        double z = zAlpha(alpha) + NORMAL.inverseCumulativeProbability(power);
        return (long) Math.ceil(2 * z * z * sd * sd / (delta * delta));
    }

    /**
     * Per arm for rates p1 → p2: (z₁₋α/₂ √(2p̄q̄) + z₁₋β √(p₁q₁ + p₂q₂))² / (p₁ − p₂)²,
     * e.g. 10 % → 7 % needs about 1,356 per arm.
     */
    public static long forProportions(double p1, double p2) {
        return forProportions(p1, p2, ALPHA, POWER);
    }

    public static long forProportions(double p1, double p2, double alpha, double power) {
        if (p1 == p2) {
            throw new IllegalArgumentException("a difference of 0 cannot be detected");
        }
        double mean = (p1 + p2) / 2;
        double a = zAlpha(alpha) * Math.sqrt(2 * mean * (1 - mean));
        double b = NORMAL.inverseCumulativeProbability(power) * Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2));
        double d = p1 - p2;
        return (long) Math.ceil((a + b) * (a + b) / (d * d));
    }

    private static double zAlpha(double alpha) {
        return NORMAL.inverseCumulativeProbability(1 - alpha / 2);
    }
}
