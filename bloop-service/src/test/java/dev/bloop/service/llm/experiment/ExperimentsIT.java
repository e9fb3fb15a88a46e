package dev.bloop.service.llm.experiment;

import static dev.bloop.service.llm.experiment.ExperimentHttp.call;
import static dev.bloop.service.llm.experiment.ExperimentHttp.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bloop.service.BloopConfiguration;
import dev.bloop.service.BloopTestApp;
import dev.bloop.service.access.Scope;
import dev.bloop.service.llm.experiment.ExperimentHttp.Project;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Experiments over HTTP: definitions, validation, scopes, isolation, sticky assignment and the ingest check. */
@ExtendWith(DropwizardExtensionsSupport.class)
class ExperimentsIT {
    private static final BloopTestApp BLOOP = ExperimentHttp.app();
    static final DropwizardAppExtension<BloopConfiguration> APP = BLOOP.extension();
    private static final String BASE = "/v1/llm/experiments";

    private static final String TONE = "{\"name\":\"tone\",\"prompt_a\":{\"system\":\"Be formal.\"},"
            + "\"prompt_b\":{\"system\":\"Be friendly.\"},\"metrics\":[\"error_rate\",\"cost\"]}";

    @Test
    void anExperimentIsCreatedListedReadChangedAndDeleted() {
        Project p = ExperimentHttp.project(BLOOP, "crud", Scope.LLM_READ, Scope.LLM_WRITE);
        HttpResponse<String> created = call(BLOOP, "POST", BASE, p.token(), TONE);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode e = json(created);
        long id = e.get("id").asLong();
        assertThat(e.get("status").asText()).isEqualTo("running");
        assertThat(e.get("unit").asText()).isEqualTo("user_id");
        assertThat(e.get("primary_metric").asText()).isEqualTo("error_rate");
        assertThat(e.get("variants").get(0).get("name").asText()).isEqualTo("a");
        assertThat(e.get("variants").get(1).get("prompt").get("system").asText()).isEqualTo("Be friendly.");

        HttpResponse<String> list = call(BLOOP, "GET", BASE, p.token(), null);
        assertThat(list.headers().firstValue("X-Total-Count")).contains("1");
        assertThat(json(list).get(0).get("name").asText()).isEqualTo("tone");
        assertThat(call(BLOOP, "POST", BASE, p.token(), TONE).statusCode()).as("same name twice").isEqualTo(409);

        // Changing weights of a running experiment is recorded; stopping it too.
        HttpResponse<String> changed = call(BLOOP, "PUT", BASE + "/" + id, p.token(),
                "{\"variants\":[{\"name\":\"b\",\"weight\":3},{\"name\":\"a\",\"weight\":1}]}");
        assertThat(changed.statusCode()).as(changed.body()).isEqualTo(200);
        JsonNode c = json(changed);
        assertThat(c.get("variants").get(0).get("name").asText()).as("the control stays first").isEqualTo("a");
        assertThat(c.get("variants").get(1).get("weight").asInt()).isEqualTo(3);
        assertThat(c.get("variants").get(1).get("prompt").get("system").asText()).isEqualTo("Be friendly.");
        JsonNode change = c.get("weight_changes").get(0);
        assertThat(change.get("before").get("b").asInt()).isEqualTo(1);
        assertThat(change.get("after").get("b").asInt()).isEqualTo(3);
        assertThat(change.get("by").asText()).isEqualTo("crud");
        JsonNode stopped = json(call(BLOOP, "PUT", BASE + "/" + id, p.token(), "{\"status\":\"stopped\"}"));
        assertThat(stopped.get("status").asText()).isEqualTo("stopped");
        assertThat(stopped.get("weight_changes")).as("a status change is no weight change").hasSize(1);

        assertThat(call(BLOOP, "DELETE", BASE + "/" + id, p.token(), null).statusCode()).isEqualTo(204);
        assertThat(call(BLOOP, "GET", BASE + "/" + id, p.token(), null).statusCode()).isEqualTo(404);
        assertThat(call(BLOOP, "DELETE", BASE + "/" + id, p.token(), null).statusCode()).isEqualTo(404);
    }

    @Test
    void badBodiesAreRefusedNamingTheField() {
        Project p = ExperimentHttp.project(BLOOP, "bad", Scope.LLM_READ, Scope.LLM_WRITE);
        Map<String, String> cases = new HashMap<>();
        cases.put("{\"name\":\"x\",\"prompt_a\":\"a\",\"prompt_b\":\"b\",\"colour\":1}", "colour");
        cases.put("{\"prompt_a\":\"a\",\"prompt_b\":\"b\"}", "name");
        cases.put("{\"name\":\"x\",\"prompt_a\":\"a\"}", "prompt_b");
        cases.put("{\"name\":\"x\",\"prompt_a\":\"a\",\"prompt_b\":\"b\",\"metrics\":[\"cost\",\"vibes\"]}", "metrics[1]");
        cases.put("{\"name\":\"x\",\"prompt_a\":\"a\",\"prompt_b\":\"b\",\"metrics\":[\"cost\"],"
                + "\"primary_metric\":\"latency\"}", "primary_metric");
        cases.put("{\"name\":\"x\",\"prompt_a\":\"a\",\"prompt_b\":\"b\",\"unit\":\"ip\"}", "unit");
        cases.put("{\"name\":\"x\",\"prompt_a\":\"a\",\"prompt_b\":\"b\",\"min_samples\":1}", "min_samples");
        cases.put("{\"name\":\"x\",\"prompt_a\":\"a\",\"prompt_b\":\"b\",\"status\":\"paused\"}", "status");
        cases.put("{\"name\":\"x\",\"prompt_a\":7,\"prompt_b\":\"b\"}", "prompt_a");
        cases.put("{\"name\":\"x\",\"variants\":[{\"name\":\"only\"}]}", "variants");
        cases.put("{\"name\":\"x\",\"variants\":[{\"name\":\"a\"},{\"name\":\"a\"}]}", "variants[1].name");
        cases.put("{\"name\":\"x\",\"variants\":[{\"name\":\"a\"},{\"name\":\"b\",\"weight\":0}]}", "variants[1].weight");
        cases.put("{\"name\":\"x\",\"prompt_a\":\"a\",\"variants\":[{\"name\":\"a\"},{\"name\":\"b\"}]}", "prompt_a");
        cases.forEach((body, field) -> {
            HttpResponse<String> r = call(BLOOP, "POST", BASE, p.token(), body);
            assertThat(r.statusCode()).as(body + " → " + r.body()).isEqualTo(400);
            assertThat(json(r).get("field").asText()).as(body).isEqualTo(field);
        });
        long id = json(call(BLOOP, "POST", BASE, p.token(), TONE)).get("id").asLong();
        Map<String, String> updates = Map.of(
                "{\"variants\":[{\"name\":\"a\",\"weight\":1}]}", "variants",
                "{\"variants\":[{\"name\":\"a\",\"weight\":1},{\"name\":\"c\",\"weight\":1}]}", "variants[1].name",
                "{\"variants\":[{\"name\":\"a\",\"weight\":1},{\"name\":\"b\",\"weight\":1,\"prompt\":\"new\"}]}",
                "variants[1].prompt",
                "{\"status\":\"done\"}", "status",
                "{\"name\":\"renamed\"}", "name");
        updates.forEach((body, field) -> {
            HttpResponse<String> r = call(BLOOP, "PUT", BASE + "/" + id, p.token(), body);
            assertThat(r.statusCode()).as(body + " → " + r.body()).isEqualTo(400);
            assertThat(json(r).get("field").asText()).as(body).isEqualTo(field);
        });
        HttpResponse<String> noUnit = call(BLOOP, "GET", BASE + "/" + id + "/assign", p.token(), null);
        assertThat(noUnit.statusCode()).isEqualTo(400);
        assertThat(json(noUnit).get("field").asText()).isEqualTo("unit");
        assertThat(call(BLOOP, "GET", BASE + "/abc", p.token(), null).statusCode()).isEqualTo(404);
    }

    @Test
    void aReadTokenReadsButCannotChange() {
        Project writer = ExperimentHttp.project(BLOOP, "scopes", Scope.LLM_READ, Scope.LLM_WRITE);
        String reader = BLOOP.token("reader", "scopes", Scope.LLM_READ);
        String errorsOnly = BLOOP.token("errors", "scopes", Scope.ERRORS_READ);
        long id = json(call(BLOOP, "POST", BASE, writer.token(), TONE)).get("id").asLong();
        assertThat(call(BLOOP, "GET", BASE + "/" + id, reader, null).statusCode()).isEqualTo(200);
        assertThat(call(BLOOP, "GET", BASE + "/" + id + "/assign?unit=u1", reader, null).statusCode()).isEqualTo(200);
        assertThat(call(BLOOP, "POST", BASE, reader, TONE.replace("tone", "t2")).statusCode()).isEqualTo(403);
        assertThat(call(BLOOP, "PUT", BASE + "/" + id, reader, "{\"status\":\"stopped\"}").statusCode()).isEqualTo(403);
        assertThat(call(BLOOP, "DELETE", BASE + "/" + id, reader, null).statusCode()).isEqualTo(403);
        assertThat(call(BLOOP, "GET", BASE, errorsOnly, null).statusCode()).isEqualTo(403);
    }

    @Test
    void anotherProjectNeitherSeesNorUsesAnExperiment() {
        Project a = ExperimentHttp.project(BLOOP, "iso-a", Scope.LLM_READ, Scope.LLM_WRITE);
        Project b = ExperimentHttp.project(BLOOP, "iso-b", Scope.LLM_READ, Scope.LLM_WRITE);
        long id = json(call(BLOOP, "POST", BASE, a.token(), TONE)).get("id").asLong();
        for (String path : List.of("/" + id, "/" + id + "/assign?unit=u1", "/" + id + "/compare")) {
            assertThat(call(BLOOP, "GET", BASE + path, b.token(), null).statusCode()).as(path).isEqualTo(404);
        }
        assertThat(call(BLOOP, "PUT", BASE + "/" + id, b.token(), "{\"status\":\"stopped\"}").statusCode()).isEqualTo(404);
        assertThat(call(BLOOP, "DELETE", BASE + "/" + id, b.token(), null).statusCode()).isEqualTo(404);
        assertThat(json(call(BLOOP, "GET", BASE, b.token(), null))).isEmpty();
        assertThat(json(call(BLOOP, "GET", BASE + "/" + id, a.token(), null)).get("status").asText()).isEqualTo("running");
        // Its name means nothing in the other project's traces.
        HttpResponse<String> r = ExperimentHttp.trace(BLOOP, b, "{\"id\":\"t\",\"experiment\":\"tone\",\"variant\":\"a\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(json(r).get("field").asText()).isEqualTo("experiment");
        // The same name may exist in both projects, each with its own experiment.
        assertThat(call(BLOOP, "POST", BASE, b.token(), TONE).statusCode()).isEqualTo(201);
    }

    @Test
    void assignmentIsStickyAndSplitsByTheWeights() {
        Project p = ExperimentHttp.project(BLOOP, "assign", Scope.LLM_READ, Scope.LLM_WRITE);
        long id = json(call(BLOOP, "POST", BASE, p.token(), "{\"name\":\"split\",\"variants\":[{\"name\":\"control\","
                + "\"weight\":1,\"prompt\":{\"v\":1}},{\"name\":\"new\",\"weight\":3,\"prompt\":{\"v\":2}}]}"))
                .get("id").asLong();
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 400; i++) {
            JsonNode first = json(call(BLOOP, "GET", BASE + "/" + id + "/assign?unit=user-" + i, p.token(), null));
            JsonNode again = json(call(BLOOP, "GET", BASE + "/" + id + "/assign?unit=user-" + i, p.token(), null));
            assertThat(again.get("variant").asText()).isEqualTo(first.get("variant").asText());
            assertThat(first.get("experiment").asText()).isEqualTo("split");
            assertThat(first.get("prompt").get("v").asInt()).isEqualTo(first.get("variant").asText().equals("new") ? 2 : 1);
            counts.merge(first.get("variant").asText(), 1, Integer::sum);
        }
        // 1:3 of 400 → 100 control expected; sd = √(400·¼·¾) ≈ 8.7, so ±35 is four sd.
        assertThat(counts.get("control")).isBetween(65, 135);
    }

    @Test
    void tracesNamingAnUnknownExperimentOrVariantAreRefusedNamingTheField() {
        Project p = ExperimentHttp.project(BLOOP, "tags", Scope.LLM_READ, Scope.LLM_WRITE);
        long id = json(call(BLOOP, "POST", BASE, p.token(), TONE)).get("id").asLong();
        Map<String, String> refused = Map.of(
                "{\"id\":\"t1\",\"experiment\":\"nope\",\"variant\":\"a\"}", "experiment",
                "{\"id\":\"t2\",\"experiment\":\"tone\",\"variant\":\"c\"}", "variant",
                "{\"id\":\"t3\",\"experiment\":\"tone\"}", "variant");
        refused.forEach((trace, field) -> {
            HttpResponse<String> r = ExperimentHttp.trace(BLOOP, p, trace);
            assertThat(r.statusCode()).as(trace + " → " + r.body()).isEqualTo(400);
            assertThat(json(r).get("field").asText()).isEqualTo(field);
        });
        assertThat(ExperimentHttp.trace(BLOOP, p, "{\"id\":\"ok\",\"experiment\":\"tone\",\"variant\":\"b\"}")
                .statusCode()).isEqualTo(200);
        assertThat(ExperimentHttp.trace(BLOOP, p, "{\"id\":\"plain\"}").statusCode()).isEqualTo(200);
        // In a batch, per trace.
        JsonNode batch = json(ExperimentHttp.traces(BLOOP, p, List.of("{\"id\":\"b1\",\"experiment\":\"tone\","
                + "\"variant\":\"a\"}", "{\"id\":\"b2\",\"experiment\":\"tone\",\"variant\":\"z\"}")));
        assertThat(batch.get("accepted").asInt()).isEqualTo(1);
        assertThat(batch.get("errors").get(0).get("index").asInt()).isEqualTo(1);
        assertThat(batch.get("errors").get(0).get("field").asText()).isEqualTo("variant");
        // Deleted, its name is unknown again at once.
        call(BLOOP, "DELETE", BASE + "/" + id, p.token(), null);
        assertThat(ExperimentHttp.trace(BLOOP, p, "{\"id\":\"late\",\"experiment\":\"tone\",\"variant\":\"a\"}")
                .statusCode()).isEqualTo(400);
    }
}
