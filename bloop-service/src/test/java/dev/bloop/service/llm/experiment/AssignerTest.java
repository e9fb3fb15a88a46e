package dev.bloop.service.llm.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bloop.api.llm.Experiment;
import java.util.List;
import org.junit.jupiter.api.Test;

class AssignerTest {

    private static ExperimentDef experiment(long id, int... weights) {
        List<Experiment.Variant> variants = new java.util.ArrayList<>();
        for (int i = 0; i < weights.length; i++) {
            variants.add(new Experiment.Variant("v" + i, weights[i], null));
        }
        return new ExperimentDef(id, "p", "e", null, "running", "user_id", List.of("cost"), "cost", null, variants, 0, 0,
                null);
    }

    @Test
    void theSplitFollowsTheWeightsForThreeVariants() {
        ExperimentDef e = experiment(7, 2, 1, 1);
        int[] counts = new int[3];
        for (int u = 0; u < 40_000; u++) {
            counts[Integer.parseInt(Assigner.assign(e, "user-" + u).name().substring(1))]++;
        }
        // Expected 20,000 / 10,000 / 10,000; sd ≈ 100, so ±500 is five sd.
        assertThat(counts[0]).isBetween(19_500, 20_500);
        assertThat(counts[1]).isBetween(9_500, 10_500);
        assertThat(counts[2]).isBetween(9_500, 10_500);
    }

    @Test
    void raisingAVariantsWeightOnlyMovesUnitsIntoIt() {
        ExperimentDef before = experiment(9, 1, 1);
        ExperimentDef after = experiment(9, 1, 3);
        int moved = 0;
        for (int u = 0; u < 10_000; u++) {
            String was = Assigner.assign(before, "u" + u).name();
            String is = Assigner.assign(after, "u" + u).name();
            if (was.equals("v1")) {
                assertThat(is).as("a unit in the grown variant stays").isEqualTo("v1");
            } else if (is.equals("v1")) {
                moved++;
            }
        }
        // From 1:1 to 1:3 half of v0's units (a quarter of all) move.
        assertThat(moved).isBetween(2_300, 2_700);
    }

    @Test
    void anotherExperimentSplitsTheSameUnitsIndependently() {
        ExperimentDef one = experiment(1, 1, 1);
        ExperimentDef two = experiment(2, 1, 1);
        int same = 0;
        for (int u = 0; u < 10_000; u++) {
            if (Assigner.assign(one, "u" + u).name().equals(Assigner.assign(two, "u" + u).name())) {
                same++;
            }
        }
        assertThat(same).isBetween(4_700, 5_300);
    }
}
