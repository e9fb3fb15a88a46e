package dev.bloop.service.auth;

import static dev.bloop.service.auth.WebSession.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bloop.api.Signatures;
import dev.bloop.service.BloopConfiguration;
import dev.bloop.service.BloopTestApp;
import dev.bloop.service.ConsoleCapture;
import dev.bloop.service.sourcemap.Multipart;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every project-scoped route, called by project A's token and by a session of A's member, aimed at
 * project B's things (its fingerprint, alert rule, source map, token, slug, and project_id). None of
 * them may read or change B: the answer is a 404 (or 403 for a token on a people-only route), no
 * answer contains B's data, and afterwards B is exactly as it was.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class IsolationMatrixIT {
    static {
        ConsoleCapture.install();
    }

    private static final BloopTestApp BLOOP = new BloopTestApp(Map.of("BLOOP__LLM_TRACING__ENABLED", "true",
            "BLOOP__LLM_TRACING__FLUSH_BATCH_SIZE", "1", "BLOOP__ANALYTICS__ENABLED", "true",
            "BLOOP__ANALYTICS__REFRESH_INTERVAL", "200ms"));
    private static final List<String> ANALYTICS = List.of("/v1/analytics/spikes", "/v1/analytics/movers",
            "/v1/analytics/correlations", "/v1/analytics/releases", "/v1/analytics/environments");
    static final DropwizardAppExtension<BloopConfiguration> APP = BLOOP.extension();
    private static final String B_MESSAGE = "beta secret failure";
    private static final String B_RELEASE = "9.9.9-beta-only";
    private static final String SHARED = "shared failure in both projects";

    private static WebSession admin;
    private static WebSession memberOfA;
    private static String tokenOfA;
    private static String tokenOfB;
    private static String tokenOfBId;
    private static String fpB;
    private static long ruleB;
    private static long mapB;
    private static JsonNode projectA;
    private static JsonNode projectB;
    private static String fpShared;

    /** One way of calling the API: a token or a session. */
    interface Client {
        HttpResponse<String> call(String method, String path, String body, String contentType, byte[] raw);
    }

    @BeforeAll
    static void seed() throws Exception {
        admin = Ceremonies.registerFirstAdmin(BLOOP, "root", Ceremonies.passkey(BLOOP));
        JsonNode a = json(admin.post("/v1/projects", "{\"name\":\"Alpha\",\"slug\":\"alpha\"}"));
        JsonNode b = json(admin.post("/v1/projects", "{\"name\":\"Beta\",\"slug\":\"beta\"}"));
        memberOfA = Ceremonies.join(BLOOP, Ceremonies.invite(admin, "alpha"), "alice", Ceremonies.passkey(BLOOP));

        String all = "[\"errors:read\",\"errors:write\",\"alerts:read\",\"alerts:write\",\"sourcemaps:read\","
                + "\"sourcemaps:write\",\"llm:read\",\"llm:write\"]";
        tokenOfA = json(admin.post("/v1/tokens", "{\"name\":\"a\",\"project_id\":\"alpha\",\"scopes\":" + all + "}"))
                .get("token").asText();
        JsonNode tb = json(admin.post("/v1/tokens", "{\"name\":\"b\",\"project_id\":\"beta\",\"scopes\":" + all + "}"));
        tokenOfB = tb.get("token").asText();
        tokenOfBId = tb.get("id").asText();

        projectA = a;
        projectB = b;
        ingest(a, "alpha failure");
        ingest(b, B_MESSAGE);
        ingestBody(b, BloopTestApp.event("beta release failure").replace("\"1.0.0\"", "\"" + B_RELEASE + "\""));
        // The same event in both projects: the same fingerprint, two groups.
        for (int i = 0; i < 2; i++) {
            ingest(a, SHARED);
        }
        for (int i = 0; i < 3; i++) {
            ingest(b, SHARED);
        }
        BLOOP.awaitCount("SELECT count(*) FROM error_groups", 5);
        BLOOP.awaitCount("SELECT count(*) FROM raw_events", 8);
        fpB = json(bearer(tokenOfB).call("GET", "/v1/errors?q=secret", null, null, null)).get(0).get("fingerprint").asText();
        fpShared = json(bearer(tokenOfA).call("GET", "/v1/errors?q=shared", null, null, null)).get(0).get("fingerprint")
                .asText();
        assertThat(json(bearer(tokenOfB).call("GET", "/v1/errors?q=shared", null, null, null)).get(0).get("fingerprint")
                .asText()).as("one fingerprint, two projects").isEqualTo(fpShared);
        awaitAnalyticsOf(bearer(tokenOfB), fpB);
        ruleB = json(bearer(tokenOfB).call("POST", "/v1/alerts",
                "{\"name\":\"beta rule\",\"config\":{\"type\":\"new_issue\"}}", null, null)).get("id").asLong();
        bearer(tokenOfB).call("POST", "/v1/alerts/" + ruleB + "/channels",
                "{\"type\":\"webhook\",\"url\":\"https://hooks.example.com/beta\"}", null, null);
        Multipart map = Multipart.sourceMap("1.0.0", "app.min.js", sourceMap());
        HttpResponse<String> uploaded = bearer(tokenOfB).call("POST", "/v1/projects/beta/sourcemaps", null,
                map.contentType(), map.body());
        assertThat(uploaded.statusCode()).as(uploaded.body()).isEqualTo(201);
        mapB = json(uploaded).get("id").asLong();

        // B's LLM data: a trace whose name, session, model and content carry B's message; B keeps content
        // and has a price of its own for that model.
        String trace = "{\"id\":\"beta-trace\",\"name\":\"" + B_MESSAGE + "\",\"session_id\":\"" + B_MESSAGE
                + "\",\"spans\":[{\"model\":\"" + B_MESSAGE + "\",\"input_tokens\":10,\"latency_ms\":5,"
                + "\"output\":\"" + B_MESSAGE + "\"}]}";
        assertThat(bearer(tokenOfB).call("PUT", "/v1/llm/settings", "{\"content_storage\":\"full\"}", null, null)
                .statusCode()).isEqualTo(200);
        assertThat(bearer(tokenOfB).call("PUT", "/v1/llm/prices", "{\"overrides\":[{\"model\":\"" + B_MESSAGE
                + "\",\"input\":1,\"output\":2}]}", null, null).statusCode()).isEqualTo(200);
        HttpResponse<String> traced = BLOOP.post("/v1/traces", trace, Map.of("Content-Type", "application/json",
                "X-Project-Key", b.get("ingest_key").asText(),
                "X-Signature", Signatures.sign(b.get("ingest_secret").asText(), trace)));
        assertThat(traced.statusCode()).isEqualTo(200);
        BLOOP.awaitCount("SELECT count(*) FROM llm_traces WHERE id = 'beta-trace'", 1);
    }

    @Test
    void projectAsTokenNeverReachesProjectB() {
        assertIsolated(bearer(tokenOfA), "");
    }

    @Test
    void projectAsMemberNeverReachesProjectB() {
        assertIsolated(session(memberOfA), "");
    }

    @Test
    void projectAsMemberAskingForProjectBByIdOrSlugGets404Everywhere() {
        String betaId = json(admin.get("/v1/projects/beta")).get("id").asText();
        for (String selector : List.of("beta", betaId)) {
            List<String> paths = new ArrayList<>(List.of("/v1/errors", "/v1/errors/facets", "/v1/errors/" + fpB,
                    "/v1/trends", "/v1/stats", "/v1/alerts", "/v1/alerts/" + ruleB, "/v1/releases/1.0.0/errors",
                    "/v1/releases", "/v1/tokens", "/v1/llm/overview", "/v1/llm/traces", "/v1/llm/traces/beta-trace",
                    "/v1/llm/sessions", "/v1/llm/settings", "/v1/llm/prices"));
            paths.addAll(ANALYTICS);
            for (String path : paths) {
                HttpResponse<String> r = memberOfA.get(path + "?project_id=" + selector);
                assertThat(r.statusCode()).as(path + "?project_id=" + selector).isEqualTo(404);
                assertThat(r.body()).doesNotContain(B_MESSAGE);
            }
            assertThat(memberOfA.post("/v1/errors/" + fpB + "/resolve?project_id=" + selector, null).statusCode())
                    .isEqualTo(404);
            assertThat(memberOfA.get("/v1/projects/" + selector + "/grouping").statusCode()).isEqualTo(404);
        }
        assertThat(memberOfA.post("/v1/tokens", "{\"name\":\"x\",\"project_id\":\"beta\",\"scopes\":[\"errors:read\"]}")
                .statusCode()).isEqualTo(404);
        assertBUntouched();
    }

    @Test
    void aMemberSetsTheGroupingRulesOfTheirOwnProject() {
        HttpResponse<String> r = memberOfA.put("/v1/projects/alpha/grouping", "{\"in_app_include\":[\"com.alpha.\"]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(json(r).get("updated_by").asText()).isEqualTo("alice");
        assertThat(json(memberOfA.get("/v1/projects/alpha/grouping")).get("in_app_include").get(0).asText())
                .isEqualTo("com.alpha.");
    }

    @Test
    void theAdminSeesBothProjects() {
        assertThat(admin.get("/v1/errors?project_id=beta").body()).contains(B_MESSAGE);
        assertThat(json(admin.get("/v1/projects"))).hasSize(3);
    }

    private static void assertIsolated(Client c, String suffix) {
        List<String> failures = new ArrayList<>();
        String fp = "/v1/errors/" + fpB;
        Object[][] routes = {
            {"GET", "/v1/errors", null, 200},
            {"GET", "/v1/errors/facets", null, 200},
            {"GET", fp, null, 404},
            {"GET", fp + "/tags", null, 404},
            {"GET", fp + "/occurrences", null, 404},
            {"GET", fp + "/trend", null, 404},
            {"GET", fp + "/history", null, -1},
            {"POST", fp + "/resolve", null, 404},
            {"POST", fp + "/ignore", null, 404},
            {"POST", fp + "/mute", null, 404},
            {"POST", fp + "/unresolve", null, 404},
            {"POST", fp + "/assign", "{\"assignee\":null}", 404},
            {"POST", fp + "/assign", "{\"assignee\":\"root\"}", 404},
            {"POST", fp + "/comments", "{\"body\":\"pwned\"}", 404},
            {"POST", "/v1/errors/bulk", "{\"action\":\"resolve\",\"fingerprints\":[\"" + fpB + "\"]}", -3},
            {"POST", "/v1/errors/bulk", "{\"action\":\"assign\",\"assignee\":null,\"fingerprints\":[\"" + fpB + "\"]}", -3},
            {"POST", "/v1/errors/bulk", "{\"action\":\"mute\",\"filter\":{\"q\":\"beta secret\"}}", -3},
            {"GET", "/v1/errors?project_id=all&sparkline=14d", null, 200},
            {"GET", "/v1/errors?assigned=none&sparkline=24h", null, 200},
            {"GET", "/v1/releases/1.0.0/errors", null, 200},
            {"GET", "/v1/releases", null, 200},
            {"GET", "/v1/releases/" + B_RELEASE + "/errors", null, 200},
            {"GET", "/v1/trends", null, 200},
            {"GET", "/v1/stats", null, 200},
            {"GET", "/v1/alerts", null, 200},
            {"GET", "/v1/alerts/" + ruleB, null, 404},
            {"PUT", "/v1/alerts/" + ruleB, "{\"name\":\"pwned\"}", 404},
            {"GET", "/v1/alerts/" + ruleB + "/channels", null, 404},
            {"POST", "/v1/alerts/" + ruleB + "/channels", "{\"type\":\"webhook\",\"url\":\"https://x.example/h\"}", 404},
            {"POST", "/v1/alerts/" + ruleB + "/test", null, 404},
            {"GET", "/v1/alerts/" + ruleB + "/deliveries", null, 404},
            {"DELETE", "/v1/alerts/" + ruleB + "/channels/1", null, 404},
            {"DELETE", "/v1/alerts/" + ruleB, null, 404},
            {"GET", "/v1/projects/beta/sourcemaps", null, 404},
            {"DELETE", "/v1/projects/beta/sourcemaps/" + mapB, null, 404},
            {"DELETE", "/v1/projects/alpha/sourcemaps/" + mapB, null, 404},
            {"GET", "/v1/projects/beta/grouping", null, 404},
            {"PUT", "/v1/projects/beta/grouping", "{\"in_app_include\":[\"pwned.\"]}", 404},
            {"GET", "/v1/projects/beta/ingest", null, -2},
            {"PUT", "/v1/projects/beta/ingest", "{\"events_per_minute\":1}", -2},
            {"GET", "/v1/admin/dead-letters", null, 403},
            {"GET", "/v1/llm/overview", null, 200},
            {"GET", "/v1/llm/usage", null, 200},
            {"GET", "/v1/llm/latency", null, 200},
            {"GET", "/v1/llm/models", null, 200},
            {"GET", "/v1/llm/traces", null, 200},
            {"GET", "/v1/llm/traces/beta-trace", null, 404},
            {"GET", "/v1/llm/sessions", null, 200},
            {"GET", "/v1/llm/settings", null, 200},
            {"GET", "/v1/llm/prices", null, 200},
            {"GET", "/v1/projects/beta", null, -2},
            {"PUT", "/v1/projects/beta", "{\"name\":\"pwned\"}", -2},
            {"POST", "/v1/projects/beta/rotate-key", null, -2},
            {"GET", "/v1/projects/beta/members", null, -2},
            {"DELETE", "/v1/projects/beta", null, -2},
            {"GET", "/v1/tokens?project_id=beta", null, -2},
            {"DELETE", "/v1/tokens/" + tokenOfBId, null, -2},
            {"GET", ANALYTICS.get(0), null, 200},
            {"GET", ANALYTICS.get(1), null, 200},
            {"GET", ANALYTICS.get(2), null, 200},
            {"GET", ANALYTICS.get(3), null, 200},
            {"GET", ANALYTICS.get(4), null, 200},
        };
        for (Object[] route : routes) {
            String method = (String) route[0];
            String path = route[1] + suffix;
            HttpResponse<String> r = c.call(method, path, (String) route[2], null, null);
            int expected = (Integer) route[3];
            boolean ok = switch (expected) {
                case -1 -> r.statusCode() == 404 || (r.statusCode() == 200 && r.body().equals("[]"));
                // people-only routes: 404 for a member of another project, 403 for any token
                case -2 -> r.statusCode() == 404 || r.statusCode() == 403;
                // bulk: another project's fingerprints change nothing, and the answer says they were skipped
                case -3 -> r.statusCode() == 200 && json(r).get("changed").asInt() == 0
                        && json(r).get("skipped").asInt() == json(r).get("not_found").size();
                default -> r.statusCode() == expected;
            };
            if (!ok || r.body().contains(B_MESSAGE) || r.body().contains("beta rule") || r.body().contains(B_RELEASE)
                    || r.body().contains(fpB) && expected == 200) {
                failures.add(method + " " + path + " -> " + r.statusCode() + " " + r.body());
            } else if (expected == -3 && route[2].toString().contains(fpB)
                    && !json(r).get("not_found").toString().contains(fpB)) {
                failures.add(method + " " + path + " -> " + r.statusCode() + " " + r.body());
            }
        }
        Multipart map = Multipart.sourceMap("1.0.0", "app.min.js", sourceMap());
        HttpResponse<String> upload = c.call("POST", "/v1/projects/beta/sourcemaps", null, map.contentType(), map.body());
        if (upload.statusCode() != 404) {
            failures.add("POST /v1/projects/beta/sourcemaps -> " + upload.statusCode());
        }
        assertThat(failures).isEmpty();
        assertBUntouched();
    }

    @Test
    void theSameFingerprintInTwoProjectsIsTwoGroupsThatNeverTouchEachOther() {
        String fp = "/v1/errors/" + fpShared;
        for (Client a : List.of(bearer(tokenOfA), session(memberOfA))) {
            JsonNode detail = json(a.call("GET", fp, null, null, null));
            assertThat(detail.get("total_count").asLong()).as("A's events only").isEqualTo(2);
            HttpResponse<String> occurrences = a.call("GET", fp + "/occurrences", null, null, null);
            assertThat(occurrences.headers().firstValue("X-Total-Count")).hasValue("2");
            long trend = 0;
            for (JsonNode bucket : json(a.call("GET", fp + "/trend", null, null, null))) {
                trend += bucket.get("count").asLong();
            }
            assertThat(trend).isEqualTo(2);
            long inRelease = 0;
            for (JsonNode g : json(a.call("GET", "/v1/releases/1.0.0/errors", null, null, null))) {
                inRelease += g.get("fingerprint").asText().equals(fpShared) ? g.get("total_count").asLong() : 0;
            }
            assertThat(inRelease).isEqualTo(2);
            for (String action : List.of("mute", "ignore", "resolve", "unresolve", "resolve")) {
                HttpResponse<String> r = a.call("POST", fp + "/" + action, null, null, null);
                assertThat(r.statusCode()).as(action + " " + r.body()).isEqualTo(200);
            }
        }
        Client b = bearer(tokenOfB);
        JsonNode inB = json(b.call("GET", fp, null, null, null));
        assertThat(inB.get("status").asText()).as("A's triage never reaches B's group").isEqualTo("unresolved");
        assertThat(inB.get("total_count").asLong()).isEqualTo(3);
        assertThat(json(b.call("GET", fp + "/history", null, null, null))).isEmpty();
        assertThat(BLOOP.count("SELECT count(*) FROM status_history WHERE fingerprint = '" + fpShared
                + "' AND project_id = '" + projectB.get("id").asText() + "'")).isZero();

        // The writer too: B resolves its group, A's group gets an event; only A's counts move.
        assertThat(b.call("POST", fp + "/resolve", null, null, null).statusCode()).isEqualTo(200);
        ingestBody(projectA, BloopTestApp.event(SHARED));
        BLOOP.awaitCount("SELECT total_count FROM error_groups WHERE fingerprint = '" + fpShared + "' AND project_id = '"
                + projectA.get("id").asText() + "'", 3);
        JsonNode bAfter = json(b.call("GET", fp, null, null, null));
        assertThat(bAfter.get("status").asText()).as("an event in A is no regression in B").isEqualTo("resolved");
        assertThat(bAfter.get("total_count").asLong()).isEqualTo(3);
        assertThat(json(bearer(tokenOfA).call("GET", fp, null, null, null)).get("status").asText())
                .as("A's resolved group re-opened by its own event").isEqualTo("unresolved");
        assertThat(b.call("POST", fp + "/unresolve", null, null, null).statusCode()).isEqualTo(200);
        assertBUntouched();
    }

    private static void assertBUntouched() {
        Client b = bearer(tokenOfB);
        JsonNode group = json(b.call("GET", "/v1/errors/" + fpB, null, null, null));
        assertThat(group.get("status").asText()).isEqualTo("unresolved");
        assertThat(json(b.call("GET", "/v1/errors/" + fpB + "/history", null, null, null))).isEmpty();
        assertThat(json(b.call("GET", "/v1/alerts/" + ruleB, null, null, null)).get("name").asText())
                .isEqualTo("beta rule");
        assertThat(json(b.call("GET", "/v1/alerts/" + ruleB + "/channels", null, null, null))).hasSize(1);
        assertThat(json(b.call("GET", "/v1/projects/beta/sourcemaps", null, null, null))).hasSize(1);
        JsonNode rules = json(b.call("GET", "/v1/projects/beta/grouping", null, null, null));
        assertThat(rules.get("rules_version").asInt()).isZero();
        assertThat(rules.get("in_app_include")).isEmpty();
        JsonNode beta = json(admin.get("/v1/projects/beta"));
        assertThat(beta.get("name").asText()).isEqualTo("Beta");
        assertThat(json(admin.get("/v1/projects/beta/ingest")).get("policy").size()).as("B's ingest policy").isZero();
        assertThat(BLOOP.count("SELECT count(*) FROM api_tokens WHERE id = '" + tokenOfBId + "' AND revoked_at IS NULL"))
                .isEqualTo(1);
        assertThat(json(b.call("GET", "/v1/llm/traces/beta-trace", null, null, null)).get("name").asText())
                .isEqualTo(B_MESSAGE);
        assertThat(json(b.call("GET", "/v1/llm/settings", null, null, null)).get("content_storage").asText())
                .isEqualTo("full");
        assertThat(json(b.call("GET", "/v1/llm/prices", null, null, null)).get("overrides")).hasSize(1);
    }

    /**
     * Waits until analytics has copied B's new issue (B sees it among its new issues), so that an
     * answer to A that leaked B's data would show it.
     */
    private static void awaitAnalyticsOf(Client b, String fingerprint) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (true) {
            HttpResponse<String> r = b.call("GET", "/v1/analytics/spikes", null, null, null);
            if (r.statusCode() == 200 && r.body().contains(fingerprint)) {
                return;
            }
            assertThat(System.nanoTime()).as("analytics copied B's data: " + r.body()).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    /** B's event carries its message in its environment and route too, so a leak of B's filter values shows. */
    private static void ingest(JsonNode project, String message) {
        ingestBody(project, BloopTestApp.event(message));
    }

    private static void ingestBody(JsonNode project, String body) {
        if (body.contains(B_MESSAGE)) {
            body = body.replace("\"prod\"", "\"" + B_MESSAGE + "\"").replace("\"/api/users\"", "\"" + B_MESSAGE + "\"");
        }
        HttpResponse<String> r = BLOOP.post("/v1/ingest", body, Map.of("Content-Type", "application/json",
                "X-Project-Key", project.get("ingest_key").asText(),
                "X-Signature", Signatures.sign(project.get("ingest_secret").asText(), body)));
        assertThat(r.statusCode()).isEqualTo(200);
    }

    private static Client bearer(String token) {
        return (method, path, body, contentType, raw) -> BloopTestApp.send(request(method, path, body, contentType, raw)
                .header("Authorization", "Bearer " + token).build());
    }

    private static Client session(WebSession s) {
        return (method, path, body, contentType, raw) -> BloopTestApp.send(request(method, path, body, contentType, raw)
                .header("Cookie", "bloop_session=" + s.cookie()).header("Origin", s.origin()).build());
    }

    private static HttpRequest.Builder request(String method, String path, String body, String contentType,
                                               byte[] raw) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(BLOOP.url(path)));
        if (raw != null) {
            b.header("Content-Type", contentType).method(method, HttpRequest.BodyPublishers.ofByteArray(raw));
        } else if (body != null) {
            b.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return b;
    }

    private static byte[] sourceMap() {
        try (InputStream in = IsolationMatrixIT.class.getResourceAsStream("/sourcemaps/app.min.js.map")) {
            return in.readAllBytes();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
