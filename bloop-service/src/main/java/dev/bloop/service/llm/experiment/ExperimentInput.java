package dev.bloop.service.llm.experiment;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bloop.api.llm.Experiment;
import dev.bloop.service.ingest.InvalidEvent;
import dev.bloop.service.ingest.JsonProblems;
import dev.bloop.service.web.ApiProblem;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Reads and checks experiment bodies; every refusal is a 400 naming the field. */
final class ExperimentInput {
    static final int MAX_NAME_CHARS = 128; // what a trace's experiment and variant tags allow
    static final int MAX_DESCRIPTION_CHARS = 2_000;
    static final int MAX_PROMPT_BYTES = 32 * 1024;
    static final int MAX_WEIGHT = 10_000;
    static final int MIN_VARIANTS = 2;
    static final int MAX_VARIANTS = 5;
    static final int MAX_MIN_SAMPLES = 10_000_000;
    static final Set<String> UNITS = Set.of("user_id", "session_id", "trace");
    static final Set<String> STATUSES = Set.of(ExperimentDef.RUNNING, ExperimentDef.STOPPED);

    private final ObjectMapper strict;

    ExperimentInput(ObjectMapper strict) {
        this.strict = strict;
    }

    <T> T read(String body, Class<T> type) {
        if (body == null || body.isBlank()) {
            throw ApiProblem.badRequest("request body must be a JSON object", null);
        }
        try {
            T value = strict.readValue(body, type);
            if (value == null) {
                throw ApiProblem.badRequest("request body must be a JSON object", null);
            }
            return value;
        } catch (JsonProcessingException e) {
            InvalidEvent problem = JsonProblems.describe(e);
            throw ApiProblem.badRequest(problem.getMessage(), problem.field());
        }
    }

    ExperimentDef create(Experiment.Definition in, String projectId, long now, String by) {
        String name = label(in.name(), "name");
        if (in.description() != null && in.description().length() > MAX_DESCRIPTION_CHARS) {
            throw ApiProblem.badRequest("description must be at most " + MAX_DESCRIPTION_CHARS + " characters",
                    "description");
        }
        List<Experiment.Variant> variants;
        if (in.variants() != null) {
            if (in.promptA() != null || in.promptB() != null) {
                throw ApiProblem.badRequest("give either prompt_a and prompt_b, or variants, not both",
                        in.promptA() != null ? "prompt_a" : "prompt_b");
            }
            variants = variants(in.variants());
        } else {
            if (in.promptA() == null || in.promptA().isNull()) {
                throw ApiProblem.badRequest("prompt_a is required (or variants)", "prompt_a");
            }
            if (in.promptB() == null || in.promptB().isNull()) {
                throw ApiProblem.badRequest("prompt_b is required (or variants)", "prompt_b");
            }
            variants = List.of(new Experiment.Variant("a", 1, prompt(in.promptA(), "prompt_a")),
                    new Experiment.Variant("b", 1, prompt(in.promptB(), "prompt_b")));
        }
        List<String> metrics = metrics(in.metrics());
        String primary = in.primaryMetric() == null ? metrics.get(0) : in.primaryMetric();
        if (!metrics.contains(primary)) {
            throw ApiProblem.badRequest("primary_metric must be one of the experiment's metrics: "
                    + String.join(", ", metrics), "primary_metric");
        }
        String unit = in.unit() == null ? "user_id" : in.unit();
        if (!UNITS.contains(unit)) {
            throw ApiProblem.badRequest("unit must be user_id, session_id or trace", "unit");
        }
        if (in.minSamples() != null && (in.minSamples() < 2 || in.minSamples() > MAX_MIN_SAMPLES)) {
            throw ApiProblem.badRequest("min_samples must be from 2 to " + MAX_MIN_SAMPLES + " units per variant",
                    "min_samples");
        }
        String status = status(in.status() == null ? ExperimentDef.RUNNING : in.status());
        return new ExperimentDef(0, projectId, name, in.description(), status, unit, metrics, primary, in.minSamples(),
                variants, now, now, by);
    }

    /** The variants after a weight change: every existing variant named once, with a weight, no prompt. */
    List<Experiment.Variant> reweigh(ExperimentDef e, List<Experiment.Variant> in) {
        if (in.size() != e.variants().size()) {
            throw ApiProblem.badRequest("variants must list each of the experiment's " + e.variants().size()
                    + " variants (" + String.join(", ", e.variantNames()) + ") with its weight", "variants");
        }
        List<Experiment.Variant> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < in.size(); i++) {
            Experiment.Variant v = in.get(i);
            String at = "variants[" + i + "]";
            if (v == null) {
                throw ApiProblem.badRequest(at + " must be an object", at);
            }
            Experiment.Variant old = v.name() == null ? null : e.variant(v.name()).orElse(null);
            if (old == null || !seen.add(v.name())) {
                throw ApiProblem.badRequest(at + ".name must be one of " + String.join(", ", e.variantNames())
                        + ", each once", at + ".name");
            }
            if (v.prompt() != null) {
                throw ApiProblem.badRequest("a variant's prompt cannot change while it is compared: create a new "
                        + "experiment", at + ".prompt");
            }
            out.add(new Experiment.Variant(old.name(), weight(v.weight(), at + ".weight"), old.prompt()));
        }
        // Kept in the experiment's own order: the first is the control.
        List<Experiment.Variant> ordered = new ArrayList<>();
        for (Experiment.Variant old : e.variants()) {
            out.stream().filter(v -> v.name().equals(old.name())).forEach(ordered::add);
        }
        return ordered;
    }

    static String status(String status) {
        if (!STATUSES.contains(status)) {
            throw ApiProblem.badRequest("status must be running or stopped", "status");
        }
        return status;
    }

    private List<Experiment.Variant> variants(List<Experiment.Variant> in) {
        if (in.size() < MIN_VARIANTS || in.size() > MAX_VARIANTS) {
            throw ApiProblem.badRequest("an experiment has " + MIN_VARIANTS + " to " + MAX_VARIANTS
                    + " variants; the first is the control", "variants");
        }
        List<Experiment.Variant> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < in.size(); i++) {
            Experiment.Variant v = in.get(i);
            String at = "variants[" + i + "]";
            if (v == null) {
                throw ApiProblem.badRequest(at + " must be an object", at);
            }
            String name = label(v.name(), at + ".name");
            if (!names.add(name)) {
                throw ApiProblem.badRequest("variant names must differ: '" + name + "' is given twice", at + ".name");
            }
            JsonNode prompt = v.prompt() == null || v.prompt().isNull() ? null : prompt(v.prompt(), at + ".prompt");
            out.add(new Experiment.Variant(name, v.weight() == null ? 1 : weight(v.weight(), at + ".weight"), prompt));
        }
        return List.copyOf(out);
    }

    private static int weight(Integer weight, String field) {
        if (weight == null || weight < 1 || weight > MAX_WEIGHT) {
            throw ApiProblem.badRequest(field + " must be a whole number from 1 to " + MAX_WEIGHT
                    + " (a variant's share is its weight over the sum)", field);
        }
        return weight;
    }

    private static List<String> metrics(List<String> in) {
        if (in == null) {
            return Metric.names();
        }
        if (in.isEmpty()) {
            throw ApiProblem.badRequest("metrics must name at least one of " + String.join(", ", Metric.names()),
                    "metrics");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < in.size(); i++) {
            String m = in.get(i);
            if (Metric.parse(m).isEmpty()) {
                throw ApiProblem.badRequest("metrics[" + i + "] must be one of " + String.join(", ", Metric.names()),
                        "metrics[" + i + "]");
            }
            if (out.contains(m)) {
                throw ApiProblem.badRequest("metrics[" + i + "] '" + m + "' is given twice", "metrics[" + i + "]");
            }
            out.add(m);
        }
        return List.copyOf(out);
    }

    private JsonNode prompt(JsonNode prompt, String field) {
        if (!prompt.isObject() && !prompt.isTextual()) {
            throw ApiProblem.badRequest(field + " must be a JSON object or a string", field);
        }
        try {
            if (strict.writeValueAsString(prompt).getBytes(StandardCharsets.UTF_8).length > MAX_PROMPT_BYTES) {
                throw ApiProblem.badRequest(field + " must be at most " + MAX_PROMPT_BYTES + " bytes of JSON", field);
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return prompt;
    }

    private static String label(String value, String field) {
        if (value == null || value.isBlank()) {
            throw ApiProblem.badRequest(field + " is required", field);
        }
        if (value.length() > MAX_NAME_CHARS || !value.strip().equals(value)) {
            throw ApiProblem.badRequest(field + " must be 1 to " + MAX_NAME_CHARS
                    + " characters without leading or trailing spaces", field);
        }
        return value;
    }
}
