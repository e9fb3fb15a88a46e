package dev.bloop.service.llm.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Each test reproduces a result published with its data, so the figures are not our own. */
class StatsPublishedResultsTest {

    // Student's sleep data (Cushny & Peebles 1905; R's `sleep`): extra hours of sleep per drug.
    private static final double[] SLEEP_1 = {0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0};
    private static final double[] SLEEP_2 = {1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4};

    @Test
    void welchMatchesRsPublishedSleepDataResult() {
        // R: t.test(extra ~ group, data = sleep) → t = -1.8608, df = 17.776, p-value = 0.07939,
        // 95 percent confidence interval -3.3654832 0.2054832 (of group 1 − group 2).
        Welch.Result r = Welch.test(SLEEP_2, SLEEP_1);
        assertThat(r.t()).isCloseTo(-1.8608, within(1e-4));
        assertThat(r.df()).isCloseTo(17.776, within(1e-3));
        assertThat(r.p()).isCloseTo(0.07939, within(1e-5));
        assertThat(r.difference()).isCloseTo(-1.58, within(1e-9));
        assertThat(r.interval().low()).isCloseTo(-3.3654832, within(1e-6));
        assertThat(r.interval().high()).isCloseTo(0.2054832, within(1e-6));
    }

    @Test
    void welchOnConstantArmsIsCertainOrNothing() {
        assertThat(Welch.test(new double[] {2, 2}, new double[] {2, 2, 2}).p()).isEqualTo(1);
        assertThat(Welch.test(new double[] {2, 2}, new double[] {3, 3}).p()).isEqualTo(0);
    }

    @Test
    void mannWhitneyMatchesRsPublishedSleepDataResultWithTies() {
        // R: wilcox.test(extra ~ group, data = sleep) → W = 25.5, p-value = 0.06933
        // (normal approximation with tie and continuity correction, as the data have ties).
        MannWhitney.Result r = MannWhitney.test(SLEEP_1, SLEEP_2);
        assertThat(r.u()).isEqualTo(25.5);
        assertThat(r.p()).isCloseTo(0.06933, within(1e-5));
        assertThat(r.z()).isNegative();
        assertThat(r.probabilityBGreater()).isCloseTo(1 - 25.5 / 100, within(1e-12));
        // Swapping the arms mirrors U and keeps p.
        MannWhitney.Result swapped = MannWhitney.test(SLEEP_2, SLEEP_1);
        assertThat(swapped.u()).isEqualTo(74.5);
        assertThat(swapped.p()).isCloseTo(r.p(), within(1e-12));
    }

    @Test
    void twoProportionZMatchesOpenIntroMammogramExample() {
        // OpenIntro Statistics (4th ed., §6.2.3): deaths from breast cancer 500 of 44,925 with
        // mammograms, 505 of 44,910 in the control group; Z = -0.17, p-value = 0.87 (rounded there).
        Proportions.Result r = Proportions.zTest(505, 44_910, 500, 44_925);
        assertThat(r.test()).isEqualTo("two_proportion_z");
        assertThat(r.z()).isCloseTo(-0.17, within(0.01));
        assertThat(r.p()).isCloseTo(0.87, within(0.005));
        assertThat(r.interval().contains(0)).isTrue();
    }

    @Test
    void zSquaredIsThePearsonChiSquareOfTheTable() {
        Proportions.Result r = Proportions.zTest(30, 200, 50, 210);
        double chi = new org.apache.commons.math3.stat.inference.ChiSquareTest()
                .chiSquare(new long[][] {{30, 170}, {50, 160}});
        assertThat(r.z() * r.z()).isCloseTo(chi, within(1e-9));
    }

    @Test
    void fisherMatchesFishersLadyTastingTea() {
        // Fisher (1935), R's fisher.test example TeaTasting = [[3,1],[1,3]]: two-sided p = 0.4857
        // (34/70); the one-sided 0.2429 in R's documentation is half of the tables counted here.
        Proportions.Result r = Proportions.fisherExact(3, 4, 1, 4);
        assertThat(r.test()).isEqualTo("fisher_exact");
        assertThat(r.p()).isCloseTo(34.0 / 70, within(1e-12));
        assertThat(r.p()).isCloseTo(0.4857, within(1e-4));
    }

    @Test
    void fisherMatchesRsConvictionsExample() {
        // R's fisher.test example Convictions (Fisher 1962): dizygotic 2 convicted of 17, monozygotic
        // 10 of 13; two-sided p-value = 0.0005367.
        Proportions.Result r = Proportions.fisherExact(2, 17, 10, 13);
        assertThat(r.p()).isCloseTo(0.0005367, within(1e-7));
        assertThat(r.difference()).isCloseTo(10.0 / 13 - 2.0 / 17, within(1e-12));
    }

    @Test
    void compareSwitchesToFisherWhenAnExpectedCellIsUnderFive() {
        assertThat(Proportions.compare(3, 4, 1, 4).test()).isEqualTo("fisher_exact");
        assertThat(Proportions.compare(2, 17, 10, 13).test()).isEqualTo("two_proportion_z"); // smallest 5.2
        assertThat(Proportions.compare(10, 100, 7, 100).test()).isEqualTo("two_proportion_z");
        assertThat(Proportions.compare(3, 100, 1, 100).test()).isEqualTo("fisher_exact");
    }

    @Test
    void wilsonMatchesNewcombesPublishedIntervals() {
        // Newcombe (1998), Statistics in Medicine 17:857, Table I, method 3 (score, no correction).
        assertInterval(Proportions.wilson(81, 263), 0.2553, 0.3662);
        assertInterval(Proportions.wilson(15, 148), 0.0624, 0.1605);
        assertInterval(Proportions.wilson(0, 20), 0.0, 0.1611);
        assertInterval(Proportions.wilson(1, 29), 0.0061, 0.1718);
    }

    @Test
    void holmMatchesTheWikipediaExample() {
        // Four hypotheses with p = 0.01, 0.04, 0.03, 0.005 at α = 0.05: Holm rejects H1 and H4 only.
        double[] adjusted = Holm.adjust(new double[] {0.01, 0.04, 0.03, 0.005});
        assertThat(adjusted[0]).isCloseTo(0.03, within(1e-12));
        assertThat(adjusted[1]).isCloseTo(0.06, within(1e-12));
        assertThat(adjusted[2]).isCloseTo(0.06, within(1e-12));
        assertThat(adjusted[3]).isCloseTo(0.02, within(1e-12));
    }

    @Test
    void sampleRatioMatchesMendelsPeas() {
        // Mendel's F2 peas 315 : 108 : 101 : 32 against 9 : 3 : 3 : 1 → χ² = 0.470, df 3, p = 0.925.
        SampleRatio.Result r = SampleRatio.check(new long[] {315, 108, 101, 32}, new double[] {9, 3, 3, 1});
        assertThat(r.chiSquare()).isCloseTo(0.470, within(1e-3));
        assertThat(r.df()).isEqualTo(3);
        assertThat(r.p()).isCloseTo(0.925, within(1e-3));
        assertThat(r.mismatch()).isFalse();
    }

    @Test
    void sampleRatioFlagsASkewedFiftyFiftySplit() {
        assertThat(SampleRatio.check(new long[] {1000, 1000}, new double[] {50, 50}).mismatch()).isFalse();
        SampleRatio.Result skewed = SampleRatio.check(new long[] {1100, 900}, new double[] {50, 50});
        assertThat(skewed.chiSquare()).isCloseTo(20.0, within(1e-9));
        assertThat(skewed.mismatch()).isTrue();
    }

    @Test
    void sampleSizesMatchTheReferenceTable() {
        // Two-sided α = 0.05, power 0.8, two equal arms.
        assertThat(SampleSize.forProportions(0.10, 0.07)).isEqualTo(1356);
        assertThat(SampleSize.forProportions(0.05, 0.03)).isEqualTo(1506);
        assertThat(SampleSize.forProportions(0.05, 0.04)).isEqualTo(6745);
        assertThat(SampleSize.forProportions(0.02, 0.01)).isEqualTo(2319);
        assertThat(SampleSize.forMeans(1, 0.2)).isEqualTo(393);
        assertThat(SampleSize.forMeans(1, 0.5)).isEqualTo(63);
        assertThat(SampleSize.forMeans(1, 0.8)).isEqualTo(25);
    }

    @Test
    void bootstrapIsDeterministicForASeedAndFindsAShiftedP95() {
        java.util.Random gen = new java.util.Random(7);
        double[] a = new double[300];
        double[] b = new double[300];
        double[] c = new double[300];
        for (int i = 0; i < 300; i++) {
            a[i] = 100 + 50 * gen.nextGaussian();
            b[i] = 300 + 50 * gen.nextGaussian(); // the whole distribution 200 higher
            c[i] = 100 + 50 * gen.nextGaussian();
        }
        Bootstrap.Result shifted = Bootstrap.p95Difference(a, b, 42);
        assertThat(shifted).isEqualTo(Bootstrap.p95Difference(a, b, 42));
        assertThat(shifted.interval().low()).isGreaterThan(100);
        assertThat(shifted.interval().contains(shifted.estimate())).isTrue();
        assertThat(Bootstrap.p95Difference(a, c, 42).interval().contains(0)).isTrue();
    }

    private static void assertInterval(Interval interval, double low, double high) {
        assertThat(interval.low()).isCloseTo(low, within(5e-5));
        assertThat(interval.high()).isCloseTo(high, within(5e-5));
    }
}
