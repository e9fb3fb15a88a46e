package dev.bloop.service.llm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.bloop.service.BloopConfiguration;
import dev.bloop.service.BloopTestApp;
import dev.bloop.service.access.Scope;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The LLM alert rules through the ordinary alert API and channels, against a real webhook receiver on
 * loopback: each fires above its threshold and stays silent below it or under its cooldown.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class LlmAlertsIT {
    private static final BloopTestApp BLOOP = Llm.app(Map.of("BLOOP__ALERTING__ALLOW_PRIVATE_TARGETS", "true",
            "BLOOP__LLM_TRACING__ALERT_EVALUATION_SECS", "1"));
    static final DropwizardAppExtension<BloopConfiguration> APP = BLOOP.extension();
    private static final AtomicInteger PROJECTS = new AtomicInteger();
    private static HttpServer receiver;
    private static final Map<String, LinkedBlockingQueue<String>> RECEIVED = new java.util.concurrent.ConcurrentHashMap<>();

    @BeforeAll
    static void startReceiver() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            RECEIVED.computeIfAbsent(exchange.getRequestURI().getPath(), k -> new LinkedBlockingQueue<>()).add(body);
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
    }

    @AfterAll
    static void stopReceiver() {
        receiver.stop(0);
    }

    private static JsonNode received(String path, long millis) throws Exception {
        String body = RECEIVED.computeIfAbsent(path, k -> new LinkedBlockingQueue<>()).poll(millis, TimeUnit.MILLISECONDS);
        return body == null ? null : Llm.JSON.readTree(body);
    }

    /** [key, secret, token] of a new project. */
    private static String[] project() {
        int n = PROJECTS.incrementAndGet();
        String id = "p-alerts-" + n;
        BLOOP.addProject(id, "alerts-" + n, "bloop_pk_alerts_" + n, "bloop_sk_alerts_secret_" + n);
        return new String[] {"bloop_pk_alerts_" + n, "bloop_sk_alerts_secret_" + n,
                BLOOP.token("alerts", id, Scope.ALERTS_READ, Scope.ALERTS_WRITE, Scope.LLM_READ)};
    }

    private static HttpResponse<String> postJson(String path, String token, String body) {
        return BloopTestApp.send(HttpRequest.newBuilder(URI.create(BLOOP.url(path))).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    /** A rule with one webhook channel posting to {@code /<hook>} on the receiver. */
    private static long rule(String token, String config, String hook) {
        HttpResponse<String> r = postJson("/v1/alerts", token, "{\"name\":\"" + hook + "\",\"config\":" + config + "}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        long id = Llm.json(r).get("id").asLong();
        HttpResponse<String> c = postJson("/v1/alerts/" + id + "/channels", token, "{\"type\":\"webhook\",\"url\":\""
                + "http://127.0.0.1:" + receiver.getAddress().getPort() + "/" + hook + "\"}");
        assertThat(c.statusCode()).as(c.body()).isEqualTo(201);
        return id;
    }

    private static void send(String[] p, String trace) {
        HttpResponse<String> r = Llm.post(BLOOP, "/v1/traces", trace, p[0], p[1]);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    @Test
    void spendOverTheThresholdFiresOnceThenCoolsDownAndSpendBeforeTheRuleCounts() throws Exception {
        String[] p = project();
        // Spent before the rule exists: the rule's window is filled from the stored spans.
        send(p, "{\"id\":\"c1\",\"spans\":[{\"model\":\"gpt-4o\",\"cost\":0.0007}]}");
        BLOOP.awaitCount("SELECT count(*) FROM llm_traces WHERE id = 'c1'", 1);
        long id = rule(p[2], "{\"type\":\"llm_cost\",\"threshold_dollars\":0.001,\"window_secs\":3600}", "cost");
        assertThat(received("/cost", 2500)).as("$0.0007 is under $0.001").isNull();
        send(p, "{\"id\":\"c2\",\"spans\":[{\"model\":\"gpt-4o\",\"cost\":0.0005}]}");
        JsonNode hook = received("/cost", 10_000);
        assertThat(hook).as("$0.0012 is over $0.001").isNotNull();
        assertThat(hook.get("rule").get("type").asText()).isEqualTo("llm_cost");
        assertThat(hook.get("rule").get("id").asLong()).isEqualTo(id);
        assertThat(hook.get("error_type").asText()).isEqualTo("LLM cost");
        assertThat(hook.get("message").asText()).contains("$0.0012").contains("all models").contains("$0.001");
        assertThat(hook.get("url").asText()).endsWith("/llm");
        send(p, "{\"id\":\"c3\",\"spans\":[{\"model\":\"gpt-4o\",\"cost\":0.5}]}");
        assertThat(received("/cost", 2500)).as("cooldown").isNull();
        JsonNode deliveries = Llm.json(Llm.get(BLOOP, "/v1/alerts/" + id + "/deliveries", p[2]));
        assertThat(deliveries).hasSize(1);
        assertThat(deliveries.get(0).get("status").asText()).isEqualTo("sent");
    }

    @Test
    void errorRateFiresOnlyWithEnoughCallsAndOnlyForItsModel() throws Exception {
        String[] p = project();
        rule(p[2], "{\"type\":\"llm_error_rate\",\"threshold_percent\":50,\"min_calls\":4,\"window_secs\":600,"
                + "\"model\":\"gpt-4o\"}", "errors");
        send(p, "{\"id\":\"e1\",\"spans\":[{\"model\":\"gpt-4o\",\"status\":\"error\"},{\"model\":\"gpt-4o\","
                + "\"status\":\"error\"},{\"model\":\"gpt-4o\"}]}");
        // Another model's failures are not this rule's.
        send(p, "{\"id\":\"e2\",\"spans\":[{\"model\":\"claude-haiku-4-5\",\"status\":\"error\"}]}");
        assertThat(received("/errors", 2500)).as("2 of 3 calls: under min_calls").isNull();
        send(p, "{\"id\":\"e3\",\"spans\":[{\"model\":\"gpt-4o\",\"status\":\"error\"}]}");
        JsonNode hook = received("/errors", 10_000);
        assertThat(hook).as("3 of 4 calls failed: 75% > 50%").isNotNull();
        assertThat(hook.get("message").asText()).contains("75.0%").contains("of 4 calls").contains("gpt-4o");
        assertThat(hook.get("count").asLong()).isEqualTo(4);
    }

    @Test
    void latencyFiresWhenItsPercentileCrossesTheThreshold() throws Exception {
        String[] p = project();
        rule(p[2], "{\"type\":\"llm_latency\",\"threshold_ms\":1000,\"percentile\":95,\"min_calls\":20,"
                + "\"window_secs\":600}", "latency");
        StringBuilder spans = new StringBuilder();
        for (int i = 0; i < 19; i++) {
            spans.append("{\"model\":\"m\",\"latency_ms\":100},");
        }
        spans.append("{\"model\":\"m\",\"latency_ms\":2000}");
        send(p, "{\"id\":\"l1\",\"spans\":[" + spans + "]}");
        // 20 calls, one slow: p95 (nearest rank: the 19th of 20) is 100 ms.
        assertThat(received("/latency", 2500)).isNull();
        send(p, "{\"id\":\"l2\",\"spans\":[{\"model\":\"m\",\"latency_ms\":3000}]}");
        // 21 calls, two slow: p95 is the 20th of 21, 2,000 ms.
        JsonNode hook = received("/latency", 10_000);
        assertThat(hook).isNotNull();
        assertThat(hook.get("message").asText()).contains("p95").contains("over 1000 ms").contains("2 of 21 calls");
    }

    @Test
    void llmRulesAreValidatedLikeEveryRule() {
        String[] p = project();
        HttpResponse<String> missing = postJson("/v1/alerts", p[2], "{\"name\":\"x\",\"config\":{\"type\":\"llm_cost\"}}");
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(Llm.json(missing).get("field").asText()).isEqualTo("config.threshold_dollars");
        HttpResponse<String> unknown = postJson("/v1/alerts", p[2], "{\"name\":\"x\",\"config\":{\"type\":\"llm_latency\","
                + "\"threshold_ms\":10,\"colour\":1}}");
        assertThat(Llm.json(unknown).get("field").asText()).isEqualTo("config.colour");
        HttpResponse<String> type = postJson("/v1/alerts", p[2], "{\"name\":\"x\",\"config\":{\"type\":\"llm_spend\"}}");
        assertThat(Llm.json(type).get("error").asText()).contains("llm_cost").contains("llm_error_rate")
                .contains("llm_latency");
        HttpResponse<String> ok = postJson("/v1/alerts", p[2], "{\"name\":\"x\",\"config\":{\"type\":\"llm_latency\","
                + "\"threshold_ms\":1500}}");
        assertThat(ok.statusCode()).isEqualTo(201);
        JsonNode config = Llm.json(ok).get("config");
        assertThat(config.get("percentile").asDouble()).isEqualTo(95.0);
        assertThat(config.get("window_secs").asLong()).isEqualTo(3600);
        assertThat(config.get("min_calls").asLong()).isEqualTo(10);
    }
}
