package dev.bloop.service.llm.experiment;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bloop.api.llm.Experiment;
import dev.bloop.api.llm.ExperimentComparison;
import dev.bloop.service.Core;
import dev.bloop.service.ingest.JsonProblems;
import dev.bloop.service.llm.TraceTagCheck;
import dev.bloop.service.web.ApiProblem;
import io.dropwizard.core.setup.Environment;
import java.time.Duration;
import java.util.List;

/**
 * Prompt A/B experiments on LLM traces: definitions, sticky assignment, the ingest check of a
 * trace's experiment and variant, and the comparison. Wired by the LLM tracing bundle through
 * {@link #wire}.
 */
public final class Experiments {
    private final ExperimentStore store;
    private final ExperimentInput input;
    private final ExperimentTags tags;
    private final ExperimentAnalysis analysis;

    Experiments(ExperimentStore store, ExperimentInput input, ExperimentTags tags, ExperimentAnalysis analysis) {
        this.store = store;
        this.input = input;
        this.tags = tags;
        this.analysis = analysis;
    }

    /** Registers the routes and the project deletion; answers the ingest check for traces. */
    public static TraceTagCheck wire(Core core, Environment env, Duration cacheTtl) {
        ObjectMapper strict = JsonProblems.strictMapper();
        ExperimentStore store = new ExperimentStore(core.db().writer(), core.db().reader(), strict,
                core.db().dialect());
        ExperimentTags tags = new ExperimentTags(store, cacheTtl, core.db().nodes());
        Experiments experiments = new Experiments(store, new ExperimentInput(strict), tags,
                new ExperimentAnalysis(new TraceFacts(core.db().reader())));
        env.jersey().register(new ExperimentResource(experiments));
        core.onProjectDeletion(projectId -> { }, projectId -> {
            store.deleteProject(projectId);
            tags.forgetProject(projectId);
        });
        return tags;
    }

    List<Experiment> list(String projectId) {
        return store.list(projectId).stream().map(e -> e.view(store.weightChanges(e.id()))).toList();
    }

    Experiment create(String projectId, String body, String by) {
        ExperimentDef def = input.create(input.read(body, Experiment.Definition.class), projectId,
                System.currentTimeMillis(), by);
        ExperimentDef created = store.create(def).orElseThrow(() -> new ApiProblem(409,
                "an experiment named '" + def.name() + "' already exists in this project", "name"));
        tags.forget(projectId, created.name());
        return created.view(List.of());
    }

    Experiment get(String projectId, long id) {
        ExperimentDef e = find(projectId, id);
        return e.view(store.weightChanges(e.id()));
    }

    Experiment update(String projectId, long id, String body, String by) {
        ExperimentDef e = find(projectId, id);
        Experiment.Change u = input.read(body, Experiment.Change.class);
        if (u.status() == null && u.variants() == null) {
            throw ApiProblem.badRequest("give status (running or stopped) or variants (new weights)", null);
        }
        String status = u.status() == null ? e.status() : ExperimentInput.status(u.status());
        List<Experiment.Variant> variants = u.variants() == null ? e.variants() : input.reweigh(e, u.variants());
        store.update(e, status, variants, System.currentTimeMillis(), by);
        tags.forget(projectId, e.name());
        return get(projectId, id);
    }

    void delete(String projectId, long id) {
        ExperimentDef e = find(projectId, id);
        store.delete(projectId, id);
        tags.forget(projectId, e.name());
    }

    Experiment.Assignment assign(String projectId, long id, String unit) {
        ExperimentDef e = find(projectId, id);
        Experiment.Variant v = Assigner.assign(e, unit);
        return new Experiment.Assignment(e.name(), e.id(), unit, v.name(), v.prompt(), e.status());
    }

    ExperimentComparison compare(String projectId, long id) {
        ExperimentDef e = find(projectId, id);
        return analysis.compare(e, store.weightChanges(e.id()));
    }

    private ExperimentDef find(String projectId, long id) {
        return store.find(projectId, id).orElseThrow(() -> ApiProblem.notFound(
                "no experiment '" + id + "' in this project", "id"));
    }
}
