package dev.bloop.service.llm.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bloop.api.Signatures;
import dev.bloop.service.BloopConfiguration;
import dev.bloop.service.BloopTestApp;
import dev.bloop.service.ConsoleCapture;
import dev.bloop.service.access.Scope;
import dev.bloop.service.auth.Ceremonies;
import dev.bloop.service.browser.Chromium;
import dev.bloop.service.browser.Tab;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Experiments tab in a real headless Chromium: an experiment created with the form, then its
 * comparison before and after traces arrive (verdicts in words, intervals as bars, sample-size
 * progress), the list, and stopping it. Screenshots go to {@code target/screenshots/llm-experiment*.png}.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExperimentsBrowserIT {
    static {
        ConsoleCapture.install();
    }

    private static final BloopTestApp BLOOP = ExperimentHttp.app();
    static final DropwizardAppExtension<BloopConfiguration> APP = BLOOP.extension();
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static Chromium chromium;
    private static Tab tab;

    @BeforeAll
    static void signIn() throws Exception {
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
    void anExperimentCreatedWithTheFormWaitsForData() throws Exception {
        tab.click("#nav-llm");
        tab.click("#llm-tab-experiments");
        tab.waitFor("document.querySelector('#llm-experiments .empty') || document.querySelector('#llm-experiments')");
        tab.click("#experiment-new");
        tab.fill("#experiment-name", "tone");
        tab.fill("#experiment-prompt-a", "{\"system\":\"Be formal.\"}");
        tab.fill("#experiment-prompt-b", "Be friendly.");
        tab.select("#experiment-primary", "cost");
        tab.click("#experiment-create-submit");
        tab.waitFor("document.getElementById('experiment-compare')");
        assertThat(tab.text("#experiment-title")).contains("tone").contains("running");
        tab.waitFor("document.querySelectorAll('.comparison').length === 5");
        assertThat(tab.text(".comparison[data-metric='cost'] .badge.verdict")).isEqualTo("not enough data");
        assertThat(tab.text(".comparison[data-metric='cost'] .sample")).contains("0 of 30 units per variant")
                .contains("about 30 more needed");
        assertThat(tab.text("#experiment-warnings")).contains("No sample size was fixed");

        // A second one with the same name is refused with the server's sentence.
        tab.open(home() + "llm/experiments");
        tab.click("#experiment-new");
        tab.fill("#experiment-name", "tone");
        tab.fill("#experiment-prompt-a", "x");
        tab.fill("#experiment-prompt-b", "y");
        tab.click("#experiment-create-submit");
        tab.waitFor("document.querySelector('#experiment-create').textContent.includes('already exists')");
    }

    @Test
    @Order(2)
    void theComparisonShowsVerdictsInWordsIntervalsAndProgress() throws Exception {
        String token = BLOOP.token("app", "default", Scope.LLM_READ);
        JsonNode list = ExperimentHttp.json(ExperimentHttp.call(BLOOP, "GET", "/v1/llm/experiments", token, null));
        long id = list.get(0).get("id").asLong();
        List<String> traces = new ArrayList<>();
        for (int u = 0; u < 120; u++) {
            String user = "user-" + u;
            String variant = ExperimentHttp.json(ExperimentHttp.call(BLOOP, "GET", "/v1/llm/experiments/" + id
                    + "/assign?unit=" + user, token, null)).get("variant").asText();
            Random r = new Random(u);
            boolean b = variant.equals("b");
            double cost = (b ? 0.0020 : 0.0030) + 0.0004 * r.nextGaussian();
            long latency = Math.round((b ? 800 : 820) + 100 * r.nextGaussian());
            traces.add(String.format(Locale.ROOT, "{\"id\":\"t%d\",\"experiment\":\"tone\",\"variant\":\"%s\","
                    + "\"user_id\":\"%s\",\"started_at\":1790000000000,\"ended_at\":%d,\"spans\":[{\"model\":\"m\","
                    + "\"cost\":%.6f,\"output_tokens\":100}]}", u, variant, user, 1_790_000_000_000L + latency, cost));
        }
        for (int i = 0; i < traces.size(); i += 50) {
            String body = "{\"traces\":[" + String.join(",", traces.subList(i, Math.min(traces.size(), i + 50))) + "]}";
            HttpResponse<String> r = BLOOP.post("/v1/traces/batch", body, Map.of("Content-Type", "application/json",
                    "X-Signature", Signatures.sign(BloopTestApp.SECRET, body)));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        }
        BLOOP.awaitCount("SELECT count(*) FROM llm_traces WHERE experiment = 'tone'", 120);

        tab.open(home() + "llm/experiments/" + id);
        tab.waitFor("document.querySelector(\".comparison[data-metric='cost'] .badge.verdict\")");
        assertThat(tab.text(".comparison[data-metric='cost'] .badge.verdict")).isEqualTo("b is better");
        assertThat(tab.text(".comparison[data-metric='cost'] .explanation"))
                .startsWith("b has lower mean cost per call than a");
        // The cost interval is drawn left of the zero line: b is cheaper, and the interval excludes 0.
        double left = tab.eval("parseFloat(document.querySelector(\".comparison[data-metric='cost'] .ci-range\").style.left)")
                .asDouble();
        double width = tab.eval("parseFloat(document.querySelector(\".comparison[data-metric='cost'] .ci-range\").style.width)")
                .asDouble();
        assertThat(width).isPositive();
        assertThat(left + width).isLessThan(50.0);
        assertThat(tab.eval("document.querySelector(\".comparison[data-metric='cost'] .ci-range\").getBoundingClientRect()"
                + ".width > 0").asBoolean()).isTrue();
        assertThat(tab.eval("document.querySelector(\".comparison[data-metric='cost'] .progress .fill\").style.width")
                .asText()).isEqualTo("100%");
        // No errors at all: the error rate cannot be compared, and the page says so.
        assertThat(tab.text(".comparison[data-metric='error_rate'] .badge.verdict")).isEqualTo("not enough data");
        assertThat(tab.text(".comparison[data-metric='error_rate'] .explanation")).contains("no errors yet");
        assertThat(tab.eval("document.querySelectorAll('#experiment-variants tbody tr').length").asInt()).isEqualTo(2);
        assertThat(tab.text("#experiment-variants tr[data-variant='a']")).contains("control");
        assertThat(tab.text("#experiment-srm")).contains("consistent with the weights");
        tab.screenshotFullPage(SCREENSHOTS.resolve("llm-experiment.png"));
    }

    @Test
    @Order(3)
    void theListShowsItAndItCanBeStopped() throws Exception {
        tab.open(home() + "llm/experiments");
        tab.waitFor("document.querySelector(\"#experiment-list tr[data-experiment='tone']\")");
        assertThat(tab.text("#experiment-list tr[data-experiment='tone']")).contains("a 50% · b 50%").contains("Cost per call");
        tab.screenshot(SCREENSHOTS.resolve("llm-experiments.png"));
        tab.click("#experiment-list tr[data-experiment='tone'] a");
        tab.click("#experiment-stop");
        tab.waitFor("document.querySelector('#experiment-compare').dataset.status === 'stopped'");
        assertThat(BLOOP.count("SELECT count(*) FROM llm_experiments WHERE name = 'tone' AND status = 'stopped'"))
                .isEqualTo(1);
    }
}
