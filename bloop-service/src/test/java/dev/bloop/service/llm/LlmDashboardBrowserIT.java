package dev.bloop.service.llm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bloop.service.BloopConfiguration;
import dev.bloop.service.BloopTestApp;
import dev.bloop.service.ConsoleCapture;
import dev.bloop.service.auth.Ceremonies;
import dev.bloop.service.browser.Chromium;
import dev.bloop.service.browser.Tab;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.nio.file.Path;
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
 * The dashboard's LLM pages in a real headless Chromium, over traces sent through signed ingest:
 * the overview's figures and charts, the trace list and its filters, a trace's waterfall and span
 * detail, sessions, and settings (content storage, a price for an unpriced model, which recomputes
 * its cost). Screenshots go to {@code target/screenshots/llm-*.png}.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LlmDashboardBrowserIT {
    static {
        ConsoleCapture.install();
    }

    private static final BloopTestApp BLOOP = Llm.app(Map.of());
    static final DropwizardAppExtension<BloopConfiguration> APP = BLOOP.extension();
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final String XSS = "<img src=x onerror=\\\"window.__xss=1\\\">";
    private static Chromium chromium;
    private static Tab tab;

    @BeforeAll
    static void signInAndSendTraces() throws Exception {
        List<String> traces = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            String model = i % 2 == 0 ? "gpt-4o" : "claude-sonnet-4-5";
            traces.add("{\"id\":\"chat-" + i + "\",\"name\":\"support-chat\",\"session_id\":\"conv-" + (i % 2) + "\","
                    + "\"user_id\":\"user-" + (i % 2) + "\",\"started_at\":1700000000000,\"ended_at\":1700000003000,"
                    + "\"spans\":[{\"id\":\"plan\",\"name\":\"plan\",\"started_at\":1700000000000,\"latency_ms\":3000},"
                    + "{\"id\":\"call\",\"parent_span_id\":\"plan\",\"name\":\"answer\",\"model\":\"" + model + "\","
                    + "\"input_tokens\":" + (1000 * (i + 1)) + ",\"output_tokens\":200,\"started_at\":1700000000500,"
                    + "\"latency_ms\":" + (800 + i * 100) + ",\"time_to_first_token_ms\":" + (200 + i * 10) + "},"
                    + "{\"id\":\"lookup\",\"parent_span_id\":\"plan\",\"span_type\":\"tool\",\"name\":\"lookup-order\","
                    + "\"started_at\":1700000002000,\"latency_ms\":500" + (i == 5 ? ",\"status\":\"error\","
                    + "\"error_message\":\"order service timed out\"" : "") + "}]}");
        }
        traces.add("{\"id\":\"odd\",\"name\":\"" + XSS + "\",\"spans\":[{\"model\":\"acme-llama-70b\",\"input_tokens\":500,"
                + "\"output_tokens\":500,\"latency_ms\":2000}]}");
        assertThat(Llm.post(BLOOP, "/v1/traces/batch", "{\"traces\":[" + String.join(",", traces) + "]}").statusCode())
                .isEqualTo(200);
        BLOOP.awaitCount("SELECT count(*) FROM llm_traces", 7);

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
    void theOverviewShowsCostsCallsLatencyChartsAndModels() throws Exception {
        tab.click("#nav-llm");
        tab.waitFor("document.querySelector('#llm-cost span')");
        // gpt-4o (1,000 + 3,000 + 5,000 in, 600 out): $0.0285; claude-sonnet-4-5 (2,000 + 4,000 + 6,000 in,
        // 600 out): $0.045. Sum $0.0735; the unpriced model adds no cost and is flagged.
        assertThat(tab.text("#llm-cost span")).isEqualTo("$0.0735");
        assertThat(tab.text("#llm-unpriced")).contains("1 unpriced");
        assertThat(tab.text("#llm-calls")).contains("7").contains("7 traces");
        tab.waitFor("document.querySelector('#llm-cost-chart canvas') && document.querySelector('#llm-tokens-chart canvas')");
        tab.waitFor("document.querySelectorAll('#llm-latency-table tbody tr').length === 3");
        assertThat(tab.text("#llm-latency-table")).contains("gpt-4o").contains("claude-sonnet-4-5");
        tab.waitFor("document.querySelectorAll('#llm-models tbody tr').length === 3");
        assertThat(tab.text("#llm-models tr[data-model='acme-llama-70b']")).contains("no price");
        tab.screenshot(SCREENSHOTS.resolve("llm-overview.png"));
    }

    @Test
    @Order(2)
    void theTraceListFiltersByModel() throws Exception {
        tab.click("#llm-tab-traces");
        tab.waitFor("document.querySelectorAll('#trace-list tbody tr').length === 7");
        // A name is shown as text, never run.
        assertThat(tab.eval("document.querySelector('#trace-list img') === null && window.__xss === undefined").asBoolean())
                .isTrue();
        assertThat(tab.text("#trace-list tr[data-trace='odd']")).contains("<img src=x");
        tab.screenshot(SCREENSHOTS.resolve("llm-traces.png"));
        tab.fill("#trace-filter-model", "gpt-4o");
        tab.click("#trace-filter-apply");
        tab.waitFor("document.querySelectorAll('#trace-list tbody tr').length === 3");
        assertThat(tab.text("#trace-total")).isEqualTo("3 traces");
        assertThat(tab.url()).contains("model=gpt-4o");
    }

    @Test
    @Order(3)
    void aTraceShowsItsSpansAsAWaterfallAndASpansCost() throws Exception {
        tab.open(home() + "llm/traces/chat-5");
        tab.waitFor("document.querySelectorAll('#waterfall .wf-row').length === 3");
        // plan (0–3000 ms) first, its children below it, indented.
        assertThat(tab.eval("[...document.querySelectorAll('#waterfall .wf-row')].map(r => r.dataset.span).join(',')")
                .asText()).isEqualTo("plan,call,lookup");
        // The bars sit at their offsets: the tool started 2,000 ms into a 3,000 ms trace and took 500 ms.
        double left = tab.eval("parseFloat(document.querySelector(\"[data-span='lookup'] .wf-bar\").style.left)").asDouble();
        double width = tab.eval("parseFloat(document.querySelector(\"[data-span='lookup'] .wf-bar\").style.width)").asDouble();
        assertThat(left).isCloseTo(66.67, org.assertj.core.data.Offset.offset(0.01));
        assertThat(width).isCloseTo(16.67, org.assertj.core.data.Offset.offset(0.01));
        assertThat(tab.eval("document.querySelector(\"[data-span='lookup'] .wf-bar\").getBoundingClientRect().width > 0")
                .asBoolean()).isTrue();
        assertThat(tab.eval("document.querySelector(\"[data-span='lookup'] .wf-bar\").classList.contains('wf-error')")
                .asBoolean()).isTrue();
        tab.click("[data-span='call']");
        tab.waitFor("document.getElementById('span-detail')");
        // claude-sonnet-4-5: 6,000 × $3/M + 200 × $15/M = $0.021.
        assertThat(tab.text("#span-cost")).contains("$0.021").contains("from the price table");
        assertThat(tab.text("#span-detail")).contains("first token after 250 ms");
        tab.screenshot(SCREENSHOTS.resolve("llm-trace.png"));
    }

    @Test
    @Order(4)
    void sessionsGroupTheConversations() throws Exception {
        tab.open(home() + "llm/sessions");
        tab.waitFor("document.querySelectorAll('#session-list tbody tr').length === 2");
        assertThat(tab.text("#session-list tr[data-session='conv-1']")).contains("user-1").contains("3");
        tab.screenshot(SCREENSHOTS.resolve("llm-sessions.png"));
    }

    @Test
    @Order(5)
    void settingsChangeContentStorageAndPriceAnUnpricedModel() throws Exception {
        tab.open(home() + "llm/settings");
        tab.waitFor("document.getElementById('storage-none') && document.getElementById('storage-none').checked");
        tab.click("#storage-metadata_only");
        tab.click("#storage-save");
        tab.waitFor("document.getElementById('storage-saved')");
        assertThat(BLOOP.count("SELECT count(*) FROM llm_settings WHERE project_id = 'default' "
                + "AND content_storage = 'metadata_only'")).isEqualTo(1);

        tab.waitFor("document.querySelector(\"#unpriced-models tr[data-unpriced='acme-llama-70b'] button\")");
        tab.click("#unpriced-models tr[data-unpriced='acme-llama-70b'] button");
        tab.waitFor("document.querySelector('#price-overrides tbody .price-model')");
        tab.fill("#price-overrides tbody .price-input", "2");
        tab.fill("#price-overrides tbody .price-output", "6");
        tab.click("#prices-save");
        tab.waitFor("document.getElementById('prices-saved')", java.time.Duration.ofSeconds(20));
        tab.waitFor("document.querySelector('#unpriced-models') && document.querySelector('#unpriced-models').textContent"
                + ".includes('Every model seen')", java.time.Duration.ofSeconds(20));
        tab.screenshot(SCREENSHOTS.resolve("llm-settings.png"));
        // The price set in the browser reached the stored cost: 500 × $2/M + 500 × $6/M = $0.004.
        String token = BLOOP.token("check", "default", dev.bloop.service.access.Scope.LLM_READ);
        var t = Llm.await(BLOOP, "/v1/llm/traces/odd", token, x -> x.get("unpriced_spans").asInt() == 0);
        assertThat(t.get("cost").decimalValue()).isEqualByComparingTo("0.004");
    }
}
