package dev.bloop.service.llm.experiment;

import dev.bloop.api.llm.Experiment;
import java.util.List;
import java.util.Optional;

/** An experiment as stored; the first variant is the control. */
record ExperimentDef(long id, String projectId, String name, String description, String status, String unit,
                     List<String> metrics, String primaryMetric, Integer minSamples, List<Experiment.Variant> variants,
                     long createdAt, long updatedAt, String createdBy) {
    static final String RUNNING = "running";
    static final String STOPPED = "stopped";

    Optional<Experiment.Variant> variant(String name) {
        return variants.stream().filter(v -> v.name().equals(name)).findFirst();
    }

    List<String> variantNames() {
        return variants.stream().map(Experiment.Variant::name).toList();
    }

    Experiment view(List<Experiment.WeightChange> changes) {
        return new Experiment(id, name, description, status, unit, metrics, primaryMetric, minSamples, variants,
                changes, createdAt, updatedAt, createdBy);
    }
}
