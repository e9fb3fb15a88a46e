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
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Monthly budgets through the API (this month's spend from the traces sent, checks, isolation) and the
 * llm_budget alert rule against a real webhook receiver: once at the threshold, once over the budget.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class LlmBudgetIT {
    private static final BloopTestApp BLOOP = Llm.app(Map.of("BLOOP__ALERTING__ALLOW_PRIVATE_TARGETS", "true",
            "BLOOP__LLM_TRACING__ALERT_EVALUATION_SECS", "1"));
    static final DropwizardAppExtension<BloopConfiguration> APP = BLOOP.extension();
    private static final AtomicInteger PROJECTS = new AtomicInteger();
    private static final LinkedBlockingQueue<String> RECEIVED = new LinkedBlockingQueue<>();
    private static HttpServer receiver;

    @BeforeAll
    static void startReceiver() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", exchange -> {
            RECEIVED.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
    }

    @AfterAll
    static void stopReceiver() {
        receiver.stop(0);
    }

    /** [key, secret, token with llm and alert scopes, llm:read token]. */
    private static String[] project() {
        int n = PROJECTS.incrementAndGet();
        String id = "p-bu-" + n;
        BLOOP.addProject(id, "bu-" + n, "bloop_pk_bu_" + n, "bloop_sk_bu_secret_000" + n);
        return new String[] {"bloop_pk_bu_" + n, "bloop_sk_bu_secret_000" + n, BLOOP.token("rw", id, Scope.LLM_READ,
                Scope.LLM_WRITE, Scope.ALERTS_READ, Scope.ALERTS_WRITE), BLOOP.token("ro", id, Scope.LLM_READ), id};
    }

    private static HttpResponse<String> postJson(String path, String token, String body) {
        return BloopTestApp.send(HttpRequest.newBuilder(URI.create(BLOOP.url(path))).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private static void spend(String[] p, String id, String dollars) {
        HttpResponse<String> r = Llm.post(BLOOP, "/v1/traces", "{\"id\":\"" + id + "\",\"spans\":[{\"model\":\"gpt-4o\","
                + "\"cost\":" + dollars + "}]}", p[0], p[1]);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        BLOOP.awaitCount("SELECT count(*) FROM llm_traces WHERE project_id = '" + p[4] + "' AND id = '" + id + "'", 1);
    }

    private static void refused(HttpResponse<String> r, String field) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(Llm.json(r).path("field").asText()).isEqualTo(field);
    }

    @Test
    void budgetShowsThisMonthsSpendUsedShareAndForecast() {
        String[] p = project();
        JsonNode none = Llm.json(Llm.get(BLOOP, "/v1/llm/budget", p[3]));
        assertThat(none.get("monthly_budget").decimalValue()).isZero();
        assertThat(none.get("alert_threshold_pct").asInt()).isEqualTo(80);
        assertThat(none.get("used_pct").isNull()).isTrue();
        spend(p, "b1", "0.25");
        spend(p, "b2", "0.5");
        HttpResponse<String> put = Llm.putJson(BLOOP, "/v1/llm/budget", p[2], "{\"monthly_budget\":3,"
                + "\"alert_threshold_pct\":50}");
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        JsonNode b = Llm.json(Llm.get(BLOOP, "/v1/llm/budget", p[3]));
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        assertThat(b.get("month").asText()).isEqualTo(today.toString().substring(0, 7));
        assertThat(b.get("monthly_budget").decimalValue()).isEqualByComparingTo("3");
        assertThat(b.get("alert_threshold_pct").asInt()).isEqualTo(50);
        assertThat(b.get("spend").decimalValue()).isEqualByComparingTo("0.75");
        assertThat(b.get("used_pct").asDouble()).isEqualTo(25.0);
        assertThat(b.get("days_elapsed").asInt()).isEqualTo(today.getDayOfMonth());
        assertThat(b.get("days_in_month").asInt()).isEqualTo(today.lengthOfMonth());
        // $0.75 per day-so-far, times the month's days.
        java.math.BigDecimal forecast = new java.math.BigDecimal("0.75").multiply(java.math.BigDecimal.valueOf(
                today.lengthOfMonth())).divide(java.math.BigDecimal.valueOf(today.getDayOfMonth()), 9,
                java.math.RoundingMode.HALF_UP);
        assertThat(b.get("forecast").decimalValue()).isEqualByComparingTo(forecast);
        assertThat(b.get("forecast_over_budget").asBoolean()).isEqualTo(forecast.compareTo(java.math.BigDecimal
                .valueOf(3)) > 0);

        refused(Llm.putJson(BLOOP, "/v1/llm/budget", p[2], "{\"monthly_budget\":-1}"), "monthly_budget");
        refused(Llm.putJson(BLOOP, "/v1/llm/budget", p[2], "{}"), "monthly_budget");
        refused(Llm.putJson(BLOOP, "/v1/llm/budget", p[2], "{\"monthly_budget\":\"ten\"}"), "monthly_budget");
        refused(Llm.putJson(BLOOP, "/v1/llm/budget", p[2], "{\"monthly_budget\":5,\"alert_threshold_pct\":0}"),
                "alert_threshold_pct");
        refused(Llm.putJson(BLOOP, "/v1/llm/budget", p[2], "{\"monthly_budget\":5,\"alert_threshold_pct\":101}"),
                "alert_threshold_pct");
        refused(Llm.putJson(BLOOP, "/v1/llm/budget", p[2], "{\"monthly_budget\":5,\"currency\":\"EUR\"}"), "currency");
        assertThat(Llm.putJson(BLOOP, "/v1/llm/budget", p[3], "{\"monthly_budget\":5}").statusCode())
                .as("llm:read cannot set a budget").isEqualTo(403);

        // Another project neither sees this budget nor this spend.
        String[] other = project();
        JsonNode theirs = Llm.json(Llm.get(BLOOP, "/v1/llm/budget", other[3]));
        assertThat(theirs.get("monthly_budget").decimalValue()).isZero();
        assertThat(theirs.get("spend").decimalValue()).isZero();
    }

    @Test
    void budgetRuleFiresOnceAtTheThresholdAndOnceOverTheBudget() throws Exception {
        String[] p = project();
        assertThat(Llm.putJson(BLOOP, "/v1/llm/budget", p[2], "{\"monthly_budget\":0.001,\"alert_threshold_pct\":50}")
                .statusCode()).isEqualTo(200);
        refused(postJson("/v1/alerts", p[2], "{\"name\":\"x\",\"config\":{\"type\":\"llm_budget\",\"threshold\":3}}"),
                "config.threshold");
        HttpResponse<String> r = postJson("/v1/alerts", p[2], "{\"name\":\"budget\",\"config\":{\"type\":\"llm_budget\"}}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        long id = Llm.json(r).get("id").asLong();
        HttpResponse<String> c = postJson("/v1/alerts/" + id + "/channels", p[2], "{\"type\":\"webhook\",\"url\":\""
                + "http://127.0.0.1:" + receiver.getAddress().getPort() + "/budget\"}");
        assertThat(c.statusCode()).as(c.body()).isEqualTo(201);

        spend(p, "a1", "0.0004");
        assertThat(RECEIVED.poll(2500, TimeUnit.MILLISECONDS)).as("40% is under 50%").isNull();
        spend(p, "a2", "0.0002");
        String first = RECEIVED.poll(10, TimeUnit.SECONDS);
        assertThat(first).as("60% crossed 50%").isNotNull();
        JsonNode hook = Llm.JSON.readTree(first);
        assertThat(hook.get("rule").get("type").asText()).isEqualTo("llm_budget");
        assertThat(hook.get("error_type").asText()).isEqualTo("LLM budget at 50%");
        spend(p, "a3", "0.0001");
        assertThat(RECEIVED.poll(3000, TimeUnit.MILLISECONDS)).as("70%: the threshold alert was sent already").isNull();
        spend(p, "a4", "0.0005");
        String second = RECEIVED.poll(10, TimeUnit.SECONDS);
        assertThat(second).as("120% is over the budget").isNotNull();
        assertThat(Llm.JSON.readTree(second).get("error_type").asText()).isEqualTo("LLM budget exceeded");
        assertThat(RECEIVED.poll(3000, TimeUnit.MILLISECONDS)).as("sent once this month").isNull();
        assertThat(Llm.json(Llm.get(BLOOP, "/v1/alerts/" + id + "/deliveries", p[2]))).hasSize(2);
    }
}
