package dev.bloop.service.llm.experiment;

import com.dynatrace.hash4j.hashing.Hasher64;
import com.dynatrace.hash4j.hashing.Hashing;
import dev.bloop.api.llm.Experiment;

/**
 * Sticky assignment: XXH3-64 of the experiment's id and the unit, as a point in [0, 1), against the
 * cumulative weights. No state and no randomness, so a unit gets the same variant on every call and
 * on every node, and the split follows the weights. Changing weights moves only the units whose
 * point falls between the old and new boundaries.
 */
final class Assigner {
    private static final Hasher64 XXH3 = Hashing.xxh3_64();

    private Assigner() {}

    static Experiment.Variant assign(ExperimentDef e, String unit) {
        double point = point(e.id(), unit);
        long total = 0;
        for (Experiment.Variant v : e.variants()) {
            total += v.weight();
        }
        double at = point * total;
        long cumulative = 0;
        for (Experiment.Variant v : e.variants()) {
            cumulative += v.weight();
            if (at < cumulative) {
                return v;
            }
        }
        return e.variants().get(e.variants().size() - 1);
    }

    /** The unit's place in [0, 1) for this experiment: the hash's top 53 bits. */
    static double point(long experimentId, String unit) {
        long h = XXH3.hashStream().putLong(experimentId).putString(unit).getAsLong();
        return (h >>> 11) * 0x1.0p-53;
    }
}
