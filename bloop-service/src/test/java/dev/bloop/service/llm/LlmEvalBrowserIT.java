package dev.bloop.service.llm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bloop.service.BloopConfiguration;
import dev.bloop.service.BloopTestApp;
import dev.bloop.service.ConsoleCapture;
import dev.bloop.service.access.Scope;
import dev.bloop.service.auth.Ceremonies;
import dev.bloop.service.browser.Chromium;
import dev.bloop.service.browser.Tab;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The dashboard's evaluation parts in a real headless Chromium: the budget card (set in the browser, with
 * its forecast), score and vote columns of the trace list and a trace's card, the prompts page with a
 * version comparison, and the tools and retrieval tables. Screenshots go to {@code target/screenshots/llm-eval-*.png}.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LlmEvalBrowserIT {
    static {
        ConsoleCapture.install();
    }

    private static final BloopTestApp BLOOP = Llm.app(Map.of());
    static final DropwizardAppExtension<BloopConfiguration> APP = BLOOP.extension();
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final long T0 = 1_700_000_000_000L;
    private static Chromium chromium;
    private static Tab tab;

    private static void post(String token, String path, String body) {
        var r = BloopTestApp.send(HttpRequest.newBuilder(URI.create(BLOOP.url(path))).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    @BeforeAll
    static void signInAndSendTraces() throws Exception {
        List<String> traces = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            // Version 2 is ten times faster than version 1 on every call.
            String version = i % 2 == 0 ? "1" : "2";
            long duration = version.equals("1") ? 2000 + i * 10 : 200 + i * 10;
            traces.add("{\"id\":\"q" + i + "\",\"name\":\"answer\",\"prompt_name\":\"support\",\"prompt_version\":\""
                    + version + "\",\"started_at\":" + T0 + ",\"ended_at\":" + (T0 + duration) + ",\"spans\":["
                    + "{\"model\":\"gpt-4o\",\"cost\":0.25},"
                    + "{\"span_type\":\"tool\",\"name\":\"lookup-order\",\"latency_ms\":" + (100 + i) + "},"
                    + "{\"span_type\":\"retrieval\",\"name\":\"kb\",\"latency_ms\":50}]}");
        }
        assertThat(Llm.post(BLOOP, "/v1/traces/batch", "{\"traces\":[" + String.join(",", traces) + "]}").statusCode())
                .isEqualTo(200);
        BLOOP.awaitCount("SELECT count(*) FROM llm_traces", 12);
        String token = BLOOP.token("eval", "default", Scope.LLM_READ, Scope.LLM_WRITE);
        post(token, "/v1/llm/traces/q0/scores", "{\"name\":\"accuracy\",\"value\":0.75,\"comment\":\"close\"}");
        post(token, "/v1/llm/traces/q0/feedback", "{\"value\":1,\"user_id\":\"ann\"}");
        post(token, "/v1/llm/traces/q0/feedback", "{\"value\":-1,\"user_id\":\"bob\"}");

        chromium = Chromium.launch();
        tab = chromium.newTab();
        tab.setUpFirstAdmin(home(), "ann", Ceremonies.setupCode(BLOOP));
    }

    @AfterAll
    static void stopBrowser() {
        if (chromium != null) {
            chromium.close();
        }
    }

    private static String home() {
        return "http://localhost:" + APP.getLocalPort() + "/";
    }

    @Test
    @Order(1)
    void theBudgetCardShowsTheSpendAndTheForecastOfABudgetSetInTheBrowser() throws Exception {
        tab.click("#nav-llm");
        tab.waitFor("document.getElementById('budget-spend')");
        // 12 calls at $0.25.
        assertThat(tab.text("#budget-spend")).isEqualTo("$3.00");
        tab.fill("#budget-input", "4");
        tab.fill("#budget-threshold", "50");
        tab.click("#budget-save");
        tab.waitFor("document.getElementById('budget-used')");
        assertThat(tab.text("#budget-used")).isEqualTo("75.0%");
        assertThat(BLOOP.count("SELECT count(*) FROM llm_budgets WHERE project_id = 'default' "
                + "AND monthly_nanos = 4000000000 AND alert_threshold_pct = 50")).isEqualTo(1);
        assertThat(tab.text("#budget-forecast")).contains("Forecast for the month");
        // $3 over the days so far, times the days of the month: over the $4 budget unless the month is nearly over.
        java.time.LocalDate today = java.time.LocalDate.now(java.time.ZoneOffset.UTC);
        boolean over = 3.0 * today.lengthOfMonth() / today.getDayOfMonth() > 4;
        assertThat(tab.eval("!!document.getElementById('budget-over')").asBoolean()).isEqualTo(over);
        assertThat(tab.text("#llm-feedback")).contains("50.0%").contains("2 votes");
        tab.screenshot(SCREENSHOTS.resolve("llm-eval-budget.png"));
    }

    @Test
    @Order(2)
    void traceListAndTraceShowScoresAndVotes() throws Exception {
        tab.click("#llm-tab-traces");
        tab.waitFor("document.querySelector(\"#trace-list tr[data-trace='q0'] .trace-scores .badge\")");
        assertThat(tab.text("#trace-list tr[data-trace='q0'] .trace-scores")).contains("accuracy 0.75");
        assertThat(tab.text("#trace-list tr[data-trace='q0'] .trace-feedback")).contains("1").contains("▼ 1");
        assertThat(tab.text("#trace-list tr[data-trace='q1'] .trace-scores")).isEqualTo("—");
        tab.open(home() + "llm/traces/q0");
        tab.waitFor("document.getElementById('trace-scores') && document.getElementById('trace-votes')");
        assertThat(tab.text("#trace-scores")).contains("accuracy").contains("0.75").contains("close");
        assertThat(tab.text("#trace-votes")).contains("ann").contains("bob");
        tab.screenshot(SCREENSHOTS.resolve("llm-eval-trace.png"));
    }

    @Test
    @Order(3)
    void thePromptsPageComparesTwoVersionsWithTests() throws Exception {
        tab.open(home() + "llm/prompts");
        tab.waitFor("document.querySelector(\"#prompt-list tr[data-prompt='support']\")");
        assertThat(tab.text("#prompt-list tr[data-prompt='support']")).contains("12").contains("$3.00");
        tab.click("#prompt-list tr[data-prompt='support'] a");
        tab.waitFor("document.querySelectorAll('#version-list tbody tr').length === 2");
        tab.select("#compare-v1", "1");
        tab.select("#compare-v2", "2");
        tab.click("#compare-run");
        tab.waitFor("document.querySelector(\"#comparison-table tr[data-metric='latency_ms']\")");
        String latency = tab.text("#comparison-table tr[data-metric='latency_ms']");
        assertThat(latency).contains("mann_whitney_u").contains("2 better");
        assertThat(tab.text("#comparison-table tr[data-metric='error_rate']")).contains("no significant difference");
        tab.screenshot(SCREENSHOTS.resolve("llm-eval-prompts.png"));
    }

    @Test
    @Order(4)
    void toolsAndRetrievalTablesListTheSpans() throws Exception {
        tab.click("#llm-tab-tools");
        tab.waitFor("document.querySelector(\"#tool-table tr[data-tool='lookup-order']\") "
                + "&& document.querySelector(\"#rag-table tr[data-source='kb']\")");
        // Latencies 100..111 ms: p50 at rank 5.5 → 105.5, shown rounded.
        assertThat(tab.text("#tool-table tr[data-tool='lookup-order']")).contains("12").contains("106 ms");
        assertThat(tab.text("#rag-table tr[data-source='kb']")).contains("12").contains("50 ms");
        tab.screenshot(SCREENSHOTS.resolve("llm-eval-tools.png"));
        assertThat(tab.consoleErrors()).isEmpty();
    }
}
