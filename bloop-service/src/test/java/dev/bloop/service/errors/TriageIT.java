package dev.bloop.service.errors;

import static dev.bloop.service.auth.WebSession.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bloop.api.Signatures;
import dev.bloop.service.BloopConfiguration;
import dev.bloop.service.BloopTestApp;
import dev.bloop.service.ConsoleCapture;
import dev.bloop.service.access.Scope;
import dev.bloop.service.auth.Ceremonies;
import dev.bloop.service.auth.WebSession;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Triage at team scale over real HTTP: assignees (members only, filterable, in the history), comments
 * as plain text, bulk actions with counts, resolve-in-release regressions, sparklines and users
 * affected, and the all-projects stream.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class TriageIT {
    static {
        ConsoleCapture.install();
    }

    private static final BloopTestApp BLOOP = new BloopTestApp();
    static final DropwizardAppExtension<BloopConfiguration> APP = BLOOP.extension();
    private static final ObjectMapper JSON = new ObjectMapper();

    private static WebSession root;
    private static WebSession alice;
    private static WebSession bob;
    private static String token;
    private static JsonNode other;

    @BeforeAll
    static void people() {
        root = Ceremonies.registerFirstAdmin(BLOOP, "root", Ceremonies.passkey(BLOOP));
        other = json(root.post("/v1/projects", "{\"name\":\"Other\",\"slug\":\"other\"}"));
        alice = Ceremonies.join(BLOOP, Ceremonies.invite(root, "default"), "alice", Ceremonies.passkey(BLOOP));
        bob = Ceremonies.join(BLOOP, Ceremonies.invite(root, "other"), "bob", Ceremonies.passkey(BLOOP));
        token = BLOOP.token("triage-bot", "default", Scope.ERRORS_READ, Scope.ERRORS_WRITE);
    }

    private static String event(String message, String release, String user) {
        return "{\"timestamp\":" + System.currentTimeMillis() + ",\"source\":\"api\",\"environment\":\"prod\","
                + "\"release\":\"" + release + "\",\"error_type\":\"TriageError\",\"message\":\"" + message + "\""
                + (user == null ? "" : ",\"user_id_hash\":\"" + user + "\"") + "}";
    }

    /** Sends events to the default project and waits until the writer has them; returns the message's fingerprint. */
    private static String ingest(String message, String release, String... users) throws Exception {
        long before = BLOOP.count("SELECT count(*) FROM raw_events");
        List<String> events = new ArrayList<>();
        if (users.length == 0) {
            events.add(event(message, release, null));
        }
        for (String u : users) {
            events.add(event(message, release, u));
        }
        HttpResponse<String> r = BLOOP.ingest("/v1/ingest/batch", "{\"events\":[" + String.join(",", events) + "]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        BLOOP.awaitCount("SELECT count(*) FROM raw_events", before + events.size());
        return BLOOP.firstString("SELECT fingerprint FROM error_groups WHERE project_id = 'default' AND message = '"
                + message.replace("'", "''") + "'");
    }

    private static String ingestOther(String message) throws Exception {
        String body = "{\"events\":[" + event(message, "1.0.0", null) + "]}";
        long before = BLOOP.count("SELECT count(*) FROM raw_events");
        HttpResponse<String> r = BLOOP.post("/v1/ingest/batch", body, Map.of("Content-Type", "application/json",
                "X-Project-Key", other.get("ingest_key").asText(),
                "X-Signature", Signatures.sign(other.get("ingest_secret").asText(), body)));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        BLOOP.awaitCount("SELECT count(*) FROM raw_events", before + 1);
        return BLOOP.firstString("SELECT fingerprint FROM error_groups WHERE project_id = '" + other.get("id").asText()
                + "' AND message = '" + message + "'");
    }

    private static HttpResponse<String> call(String method, String path, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(BLOOP.url(path)))
                .header("Authorization", "Bearer " + token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return BloopTestApp.send(b.build());
    }

    private static JsonNode ok(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isBetween(200, 201);
        return json(r);
    }

    private static JsonNode bad(HttpResponse<String> r, String field) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(json(r).get("field").asText()).as(r.body()).isEqualTo(field);
        return json(r);
    }

    private static List<String> fingerprints(JsonNode list) {
        List<String> out = new ArrayList<>();
        list.forEach(n -> out.add(n.get("fingerprint").asText()));
        return out;
    }

    @Test
    void anAssigneeIsAMemberOfTheProjectAndIsFilterableShownAndRecordedWithTheActor() throws Exception {
        String mine = ingest("assign me please", "1.0.0");
        String nobodys = ingest("nobody wants this", "1.0.0");

        JsonNode set = ok(alice.post("/v1/errors/" + mine + "/assign", "{\"assignee\":\"alice\"}"));
        assertThat(set.get("assignee").asText()).isEqualTo("alice");
        assertThat(set.get("updated").asInt()).isEqualTo(1);
        assertThat(ok(alice.post("/v1/errors/" + mine + "/assign", "{\"assignee\":\"alice\"}")).get("updated").asInt())
                .as("already hers").isZero();
        assertThat(bad(alice.post("/v1/errors/" + mine + "/assign", "{\"assignee\":\"bob\"}"), "assignee")
                .get("error").asText()).contains("member");
        bad(alice.post("/v1/errors/" + mine + "/assign", "{\"assignee\":\"nosuchuser\"}"), "assignee");
        bad(alice.post("/v1/errors/" + mine + "/assign", "{\"assignee\":\"alice\",\"extra\":1}"), "extra");
        assertThat(bob.post("/v1/errors/" + mine + "/assign", "{\"assignee\":\"bob\"}").statusCode())
                .as("bob's project has no such issue").isEqualTo(404);

        assertThat(fingerprints(ok(alice.get("/v1/errors?assigned=me")))).containsExactly(mine);
        assertThat(fingerprints(ok(call("GET", "/v1/errors?assigned=alice", null)))).containsExactly(mine);
        assertThat(fingerprints(ok(call("GET", "/v1/errors?assigned=none", null)))).contains(nobodys).doesNotContain(mine);
        assertThat(fingerprints(ok(root.get("/v1/errors?assigned=me")))).isEmpty();
        bad(call("GET", "/v1/errors?assigned=me", null), "assigned");
        bad(call("GET", "/v1/errors?assigned=ghost", null), "assigned");

        JsonNode row = ok(call("GET", "/v1/errors?q=assign", null)).get(0);
        assertThat(row.get("assignee").asText()).isEqualTo("alice");
        assertThat(ok(call("GET", "/v1/errors/" + mine, null)).get("assignee").asText()).isEqualTo("alice");
        assertThat(ok(call("GET", "/v1/errors/" + nobodys, null)).get("assignee").isNull()).isTrue();

        // The token hands it to the admin (admins may be put on any project's issue), then to nobody.
        assertThat(ok(call("POST", "/v1/errors/" + mine + "/assign", "{\"assignee\":\"root\"}"))
                .get("previous_assignee").asText()).isEqualTo("alice");
        ok(call("POST", "/v1/errors/" + mine + "/assign", "{\"assignee\":null}"));
        JsonNode history = ok(call("GET", "/v1/errors/" + mine + "/history", null));
        List<String> rows = new ArrayList<>();
        history.forEach(h -> rows.add(h.get("kind").asText() + ":" + h.get("assignee").toString().replace("\"", "") + ":"
                + h.get("actor").asText()));
        assertThat(rows).containsExactly("assign:null:triage-bot", "assign:root:triage-bot", "assign:alice:alice");
        assertThat(history.get(0).get("assignee").isNull()).isTrue();
    }

    @Test
    void aCommentIsKeptAsPlainTextWithItsAuthorAndTimeInTheHistory() throws Exception {
        String fp = ingest("comment on me", "1.0.0");
        String script = "<script>alert('x')</script> **bold** & more";
        JsonNode c = ok(alice.post("/v1/errors/" + fp + "/comments", JSON.writeValueAsString(Map.of("body", script))));
        assertThat(c.get("author").asText()).isEqualTo("alice");
        assertThat(c.get("body").asText()).isEqualTo(script);
        assertThat(c.get("created_at").asLong()).isPositive();
        Thread.sleep(5);
        ok(call("POST", "/v1/errors/" + fp + "/resolve", null));

        JsonNode history = ok(call("GET", "/v1/errors/" + fp + "/history", null));
        assertThat(history).hasSize(2);
        assertThat(history.get(0).get("kind").asText()).isEqualTo("status");
        assertThat(history.get(1).get("kind").asText()).isEqualTo("comment");
        assertThat(history.get(1).get("comment").asText()).isEqualTo(script);
        assertThat(history.get(1).get("actor").asText()).isEqualTo("alice");

        bad(alice.post("/v1/errors/" + fp + "/comments", "{\"body\":\"   \"}"), "body");
        bad(alice.post("/v1/errors/" + fp + "/comments", "{\"text\":\"hi\"}"), "text");
        bad(alice.post("/v1/errors/" + fp + "/comments", "{\"body\":\"" + "x".repeat(10_001) + "\"}"), "body");
        assertThat(bob.post("/v1/errors/" + fp + "/comments", "{\"body\":\"hi\"}").statusCode()).isEqualTo(404);
    }

    @Test
    void bulkActionsChangeManyIssuesInOneRequestAndCountWhatChangedAndWhatWasSkipped() throws Exception {
        List<String> fps = new ArrayList<>();
        for (String word : List.of("alpha", "bravo", "charlie", "delta", "echo")) {
            fps.add(ingest("bulk " + word + " failure", "1.0.0"));
        }
        String foreign = ingestOther("bulk foreign failure");

        String named = JSON.writeValueAsString(Map.of("action", "resolve",
                "fingerprints", List.of(fps.get(0), fps.get(1), fps.get(2), foreign, "not-a-fingerprint")));
        JsonNode r = ok(call("POST", "/v1/errors/bulk", named));
        assertThat(r.get("changed").asInt()).isEqualTo(3);
        assertThat(r.get("skipped").asInt()).isEqualTo(2);
        assertThat(r.get("matched").asInt()).isEqualTo(3);
        assertThat(r.get("not_found").toString()).contains(foreign, "not-a-fingerprint");
        assertThat(ok(root.get("/v1/errors/" + foreign + "?project_id=other")).get("status").asText())
                .as("another project's issue is untouched").isEqualTo("unresolved");
        assertThat(ok(call("POST", "/v1/errors/bulk", named)).get("changed").asInt()).as("already resolved").isZero();
        JsonNode inNext = ok(call("POST", "/v1/errors/bulk", JSON.writeValueAsString(Map.of(
                "action", "resolve_in_next_release", "fingerprints", List.of(fps.get(0))))));
        assertThat(inNext.get("changed").asInt()).as("already resolved: only how it reopens changes").isZero();
        assertThat(ok(call("GET", "/v1/errors/" + fps.get(0), null)).get("regression").get("rule").asText())
                .isEqualTo("newer_release");

        JsonNode byFilter = ok(alice.post("/v1/errors/bulk",
                "{\"action\":\"mute\",\"filter\":{\"q\":\"bulk\",\"status\":\"unresolved\"}}"));
        assertThat(byFilter.get("changed").asInt()).isEqualTo(2);
        assertThat(byFilter.get("matched").asInt()).isEqualTo(2);
        for (String fp : fps.subList(3, 5)) {
            JsonNode h = ok(call("GET", "/v1/errors/" + fp + "/history", null)).get(0);
            assertThat(h.get("new_status").asText() + ":" + h.get("actor").asText()).isEqualTo("muted:alice");
        }

        JsonNode assigned = ok(alice.post("/v1/errors/bulk", "{\"action\":\"assign\",\"assignee\":\"alice\","
                + "\"filter\":{\"q\":\"bulk\"}}"));
        assertThat(assigned.get("changed").asInt()).isEqualTo(5);
        assertThat(fingerprints(ok(alice.get("/v1/errors?assigned=me&q=bulk")))).containsExactlyInAnyOrderElementsOf(fps);

        bad(call("POST", "/v1/errors/bulk", "{\"action\":\"explode\",\"fingerprints\":[]}"), "action");
        bad(call("POST", "/v1/errors/bulk", "{\"action\":\"resolve\"}"), "fingerprints");
        bad(call("POST", "/v1/errors/bulk", "{\"action\":\"resolve\",\"fingerprints\":[],\"filter\":{}}"), "filter");
        bad(call("POST", "/v1/errors/bulk", "{\"action\":\"assign\",\"assignee\":\"bob\",\"fingerprints\":[]}"), "assignee");
        bad(call("POST", "/v1/errors/bulk", "{\"action\":\"resolve\",\"filter\":{\"status\":\"gone\"}}"), "filter.status");
        bad(call("POST", "/v1/errors/bulk", "{\"action\":\"resolve\",\"filter\":{\"colour\":\"red\"}}"), "filter.colour");
        assertThat(BLOOP.count("SELECT count(*) FROM error_groups WHERE project_id = 'default' AND status = 'resolved' "
                + "AND message LIKE 'bulk%'")).isEqualTo(3);
    }

    @Test
    void aResolvedIssueReopensOnAnyNewEventEvenFromTheSameRelease() throws Exception {
        String fp = ingest("plainly resolved failure", "2.0.0");
        ok(call("POST", "/v1/errors/" + fp + "/resolve", null));
        JsonNode rule = ok(call("GET", "/v1/errors/" + fp, null)).get("regression");
        assertThat(rule.get("rule").asText()).isEqualTo("any_event");
        assertThat(rule.get("resolved_in_release").isNull()).isTrue();

        ingest("plainly resolved failure", "1.0.0");
        assertThat(ok(call("GET", "/v1/errors/" + fp, null)).get("status").asText()).isEqualTo("unresolved");
        JsonNode h = ok(call("GET", "/v1/errors/" + fp + "/history", null)).get(0);
        assertThat(h.get("old_status").asText() + ">" + h.get("new_status").asText() + ":" + h.get("actor").asText())
                .isEqualTo("resolved>unresolved:system");
        bad(call("POST", "/v1/errors/" + fp + "/resolve?in_next_release=soon", null), "in_next_release");
    }

    @Test
    void resolvedInTheNextReleaseAnIssueReopensOnlyForAnEventFromANewerReleaseAndThePageSaysSo() throws Exception {
        String fp = ingest("release bound failure", "1.2.0");
        JsonNode before = ok(call("GET", "/v1/errors/" + fp, null)).get("regression");
        assertThat(before.get("order").asText()).isEqualTo("semver");
        ok(call("POST", "/v1/errors/" + fp + "/resolve?in_next_release=true", null));
        JsonNode rule = ok(call("GET", "/v1/errors/" + fp, null)).get("regression");
        assertThat(rule.get("rule").asText()).isEqualTo("newer_release");
        assertThat(rule.get("resolved_in_release").asText()).isEqualTo("1.2.0");
        assertThat(rule.get("explanation").asText()).contains("1.2.0", "semantic versions");

        ingest("release bound failure", "1.2.0");
        ingest("release bound failure", "1.1.9");
        JsonNode still = ok(call("GET", "/v1/errors/" + fp, null));
        assertThat(still.get("status").asText()).as("same or older release").isEqualTo("resolved");
        assertThat(still.get("total_count").asLong()).isEqualTo(3);

        ingest("release bound failure", "1.10.0");
        JsonNode reopened = ok(call("GET", "/v1/errors/" + fp, null));
        assertThat(reopened.get("status").asText()).as("1.10.0 is newer than 1.2.0").isEqualTo("unresolved");
        JsonNode h = ok(call("GET", "/v1/errors/" + fp + "/history", null)).get(0);
        assertThat(h.get("old_status").asText() + ">" + h.get("new_status").asText() + ":" + h.get("actor").asText())
                .isEqualTo("resolved>unresolved:system");
    }

    @Test
    void releasesThatAreNotVersionsAreOrderedByWhenTheProjectFirstSawThem() throws Exception {
        ingest("release order seed", "build-zulu");
        String fp = ingest("named release failure", "build-yankee");
        ok(call("POST", "/v1/errors/" + fp + "/resolve?in_next_release=true", null));
        assertThat(ok(call("GET", "/v1/errors/" + fp, null)).get("regression").get("order").asText())
                .isEqualTo("first_seen");
        ingest("named release failure", "build-zulu");
        assertThat(ok(call("GET", "/v1/errors/" + fp, null)).get("status").asText())
                .as("build-zulu was seen before build-yankee").isEqualTo("resolved");
        ingest("named release failure", "build-xray");
        assertThat(ok(call("GET", "/v1/errors/" + fp, null)).get("status").asText())
                .as("a release never seen before is newer").isEqualTo("unresolved");
    }

    @Test
    void theStreamCarriesSparklinesAndUsersAffected() throws Exception {
        String fp = ingest("sparkline failure", "1.0.0", "u1", "u2", "u1");
        ingest("sparkline failure", "1.0.0", "u3", "u2");
        JsonNode day = ok(call("GET", "/v1/errors?q=sparkline&sparkline=24h", null)).get(0);
        assertThat(day.get("fingerprint").asText()).isEqualTo(fp);
        assertThat(day.get("users_affected").asLong()).isEqualTo(3);
        assertThat(day.get("sparkline")).hasSize(24);
        assertThat(day.get("sparkline").get(23).asLong()).as("this hour").isEqualTo(5);
        long sum = 0;
        for (JsonNode n : day.get("sparkline")) {
            sum += n.asLong();
        }
        assertThat(sum).isEqualTo(5);
        JsonNode fortnight = ok(call("GET", "/v1/errors?q=sparkline&sparkline=14d", null)).get(0);
        assertThat(fortnight.get("sparkline")).hasSize(14);
        assertThat(fortnight.get("sparkline").get(13).asLong()).isEqualTo(5);
        assertThat(ok(call("GET", "/v1/errors?q=sparkline", null)).get(0).has("sparkline")).isFalse();
        assertThat(ok(call("GET", "/v1/errors/" + fp, null)).get("users_affected").asLong()).isEqualTo(3);
        bad(call("GET", "/v1/errors?sparkline=7d", null), "sparkline");
    }

    @Test
    void theAllProjectsStreamListsEveryProjectOfTheUserWithItsProjectColumn() throws Exception {
        String mine = ingest("everywhere failure", "1.0.0");
        String theirs = ingestOther("everywhere failure");
        JsonNode all = ok(root.get("/v1/errors?project_id=all&q=everywhere"));
        List<String> rows = new ArrayList<>();
        all.forEach(n -> rows.add(n.get("project_id").asText() + "/" + n.get("fingerprint").asText()));
        assertThat(rows).containsExactlyInAnyOrder("default/" + mine, other.get("id").asText() + "/" + theirs);
        assertThat(ok(alice.get("/v1/errors?project_id=all&q=everywhere"))).extracting(n -> n.get("project_id").asText())
                .containsExactly("default");
        assertThat(ok(bob.get("/v1/errors?project_id=all&q=everywhere&sparkline=24h")))
                .extracting(n -> n.get("project_id").asText()).containsExactly(other.get("id").asText());
        assertThat(ok(call("GET", "/v1/errors?project_id=all&q=everywhere", null)))
                .as("a token stays in its project").extracting(n -> n.get("project_id").asText()).containsExactly("default");
    }
}
