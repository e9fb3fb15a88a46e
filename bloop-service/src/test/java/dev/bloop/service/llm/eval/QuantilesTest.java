package dev.bloop.service.llm.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class QuantilesTest {

    @Test
    void percentilesSortTheValuesFirstAndInterpolateBetweenRanks() {
        // Unsorted on purpose: sorted they are 1, 2, 3, 4, 10.
        Quantiles q = Quantiles.of(new double[] {10, 3, 1, 4, 2, 99}, 5);
        assertThat(q.count()).isEqualTo(5);
        // rank (n-1)p = 4p: p10 → 0.4 → 1 + 0.4 × 1; p50 → 2 → 3; p90 → 3.6 → 4 + 0.6 × 6.
        assertThat(q.at(0.1)).isCloseTo(1.4, within(1e-12));
        assertThat(q.at(0.5)).isEqualTo(3.0);
        assertThat(q.at(0.9)).isCloseTo(7.6, within(1e-12));
        assertThat(q.at(1.0)).isEqualTo(10.0);
        assertThat(q.mean()).isEqualTo(4.0);
    }

    @Test
    void noValuesHaveNoPercentiles() {
        Quantiles q = Quantiles.of(new double[0], 0);
        assertThat(q.at(0.5)).isNull();
        assertThat(q.mean()).isNull();
    }

    @Test
    void scoreBucketsIncludeTheirLowerEdgeAndTheLastHoldsOne() {
        assertThat(ScoreSummaries.bucket(0.0)).isEqualTo(0);
        assertThat(ScoreSummaries.bucket(0.19999)).isEqualTo(0);
        assertThat(ScoreSummaries.bucket(0.2)).isEqualTo(1);
        assertThat(ScoreSummaries.bucket(0.4)).isEqualTo(2);
        assertThat(ScoreSummaries.bucket(0.6)).isEqualTo(3);
        assertThat(ScoreSummaries.bucket(0.8)).isEqualTo(4);
        assertThat(ScoreSummaries.bucket(1.0)).isEqualTo(4);
    }
}
