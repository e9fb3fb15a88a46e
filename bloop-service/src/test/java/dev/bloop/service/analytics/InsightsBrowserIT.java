package dev.bloop.service.analytics;

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
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Insights page in a real headless Chromium, over the generated 14-day dataset: the planted spike
 * with its sparkline, the new issue, movers, both planted pairs (each issue a link), the bad release
 * at the top of the impact table and in the chart, and the environments. Screenshots go to
 * {@code target/screenshots/}.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InsightsBrowserIT {
    static {
        ConsoleCapture.install();
    }

    private static final BloopTestApp BLOOP = new BloopTestApp(Map.of("BLOOP__ANALYTICS__ENABLED", "true",
            "BLOOP__ANALYTICS__REFRESH_INTERVAL", "500ms"));
    private static final FourteenDays DATA = new FourteenDays(Mirror.hourOf(System.currentTimeMillis()));

    static {
        try {
            DATA.writeTo(BLOOP);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

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

    private static String row(String table, String message) {
        return "document.querySelector('#" + table + " tr[data-fingerprint=\"" + FourteenDays.fingerprint(message) + "\"]')";
    }

    @Test
    @Order(1)
    void theNavigationLeadsToInsightsShowingTheSpikeTheNewIssueAndTheMovers() throws Exception {
        tab.click("#nav-insights");
        tab.waitFor(row("spikes-table", FourteenDays.SPIKE), Duration.ofSeconds(60));
        assertThat(java.net.URI.create(tab.url()).getPath()).isEqualTo("/insights");
        assertThat(tab.url()).contains("project=default");
        assertThat(tab.text("#spikes-table")).contains(FourteenDays.SPIKE);
        assertThat(tab.eval(row("spikes-table", FourteenDays.SPIKE) + ".querySelector('svg.sparkline polyline')"
                + ".getAttribute('points').split(' ').length").asInt()).isEqualTo(72);
        tab.waitFor(row("new-issues-table", FourteenDays.NEW));
        tab.waitFor(row("movers-table", FourteenDays.VANISHED));
        assertThat(tab.eval(row("movers-table", FourteenDays.VANISHED) + ".textContent").asText()).contains("vanished");
        tab.screenshot(SCREENSHOTS.resolve("insights.png"));
    }

    @Test
    @Order(2)
    void bothPlantedPairsAreListedAndEachIssueOfAPairOpensItsPage() throws Exception {
        String a = FourteenDays.fingerprint(FourteenDays.PAIR_A);
        String b = FourteenDays.fingerprint(FourteenDays.PAIR_B);
        String pair = a.compareTo(b) < 0 ? a + "/" + b : b + "/" + a;
        String d1 = FourteenDays.fingerprint(FourteenDays.DAY_A);
        String d2 = FourteenDays.fingerprint(FourteenDays.DAY_B);
        String days = d1.compareTo(d2) < 0 ? d1 + "/" + d2 : d2 + "/" + d1;
        tab.waitFor("document.querySelector('#pairs-table tr[data-pair=\"" + pair + "\"]')");
        assertThat(tab.eval("!!document.querySelector('#pairs-table tr[data-pair=\"" + days + "\"]')").asBoolean()).isTrue();
        String second = pair.substring(pair.indexOf('/') + 1);
        tab.click("#pairs-table tr[data-pair=\"" + pair + "\"] td:nth-child(2) a");
        tab.waitFor("document.getElementById('issue-title')");
        assertThat(java.net.URI.create(tab.url()).getPath()).isEqualTo("/issues/" + second);
        tab.eval("history.back(), true");
        tab.waitFor("document.querySelector('#pairs-table tr[data-pair=\"" + pair + "\"]')");
    }

    @Test
    @Order(3)
    void theBadReleaseStandsOutInTheImpactTableAndChartAndEnvironmentsAreBrokenDown() throws Exception {
        tab.waitFor("document.querySelector('#release-impact-table tr[data-release=\"2.0\"]')");
        assertThat(tab.eval("document.querySelector('#release-impact-table tr[data-release=\"2.0\"]').className").asText())
                .isEqualTo("worst");
        assertThat(tab.eval("!!document.querySelector('#release-chart canvas')").asBoolean()).isTrue();
        tab.waitFor("document.querySelector('#environments-table tr[data-environment=\"staging\"]')");
        assertThat(tab.text("#environments-table")).contains("prod").contains("staging");
        tab.eval("document.getElementById('insights-releases').scrollIntoView(), true");
        tab.screenshot(SCREENSHOTS.resolve("insights-releases.png"));
    }

    @Test
    @Order(4)
    void anotherWindowAndEnvironmentReloadEveryPartAndStayInTheAddress() throws Exception {
        tab.select("#insights-hours", "336");
        tab.waitFor("document.querySelector('#spikes-table tr') && document.querySelector('#spikes-table svg polyline')"
                + ".getAttribute('points').split(' ').length === 336");
        // The environment choices come from the environments answer, which the window change reloads.
        tab.waitFor("document.querySelector('#insights-environment option[value=\"staging\"]')");
        tab.select("#insights-environment", "staging");
        tab.waitFor("document.querySelectorAll('#environments-table tbody tr').length >= 1 && "
                + "!document.querySelector('#movers-table tr[data-fingerprint=\""
                + FourteenDays.fingerprint(FourteenDays.VANISHED) + "\"]') && !!document.querySelector('#movers-table, #insights-movers p')");
        assertThat(tab.url()).contains("hours=336").contains("environment=staging");
        tab.open(tab.url());
        tab.waitFor("document.getElementById('insights-hours') && document.getElementById('insights-hours').value === '336'");
    }
}
