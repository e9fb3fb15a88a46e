package dev.bloop.service.web;

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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The dashboard in a real headless Chromium: sign in with a passkey (DevTools virtual
 * authenticator), send events through the API, find them in the stream, filter, open one, resolve
 * it, read its history, reload a deep link, and check that event data is never run as HTML. Saves
 * screenshots of the main pages to {@code target/screenshots/}.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardBrowserIT {
    static {
        ConsoleCapture.install();
    }

    private static final BloopTestApp BLOOP = new BloopTestApp();
    static final DropwizardAppExtension<BloopConfiguration> APP = BLOOP.extension();
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final String XSS = "<img src=x onerror=\\\"window.__xss=1\\\"><script>window.__xss=2</script>";
    private static final String ONE_ROW_WITH = "document.querySelectorAll('#issue-list tbody tr').length === 1 && "
            + "document.querySelector('#issue-list tbody tr').textContent.includes(";
    private static Chromium chromium;
    private static Tab tab;

    @BeforeAll
    static void signIn() throws Exception {
        chromium = Chromium.launch();
        tab = chromium.newTab();
        tab.open(home());
        tab.fill("#setup-username", "ann");
        tab.fill("#setup-code", Ceremonies.setupCode(BLOOP));
        tab.click("#setup-submit");
        tab.waitFor("document.getElementById('whoami') && document.getElementById('whoami').textContent.includes('ann')");
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

    private static void event(String type, String message, String environment, String release) {
        String body = "{\"timestamp\":1700000000000,\"source\":\"ios\",\"environment\":\"" + environment + "\",\"release\":\""
                + release + "\",\"error_type\":\"" + type + "\",\"message\":\"" + message + "\",\"route_or_procedure\":\"/api/cart\","
                + "\"stack\":\"at checkout (src/cart.ts:10:5)\\nat main (src/app.ts:3:1)\",\"metadata\":{\"plan\":\"pro\"}}";
        assertThat(BLOOP.ingest("/v1/ingest", body).statusCode()).isEqualTo(200);
    }

    @Test
    @Order(1)
    void anEmptyProjectExplainsHowToSendTheFirstEvent() throws Exception {
        tab.click("#nav-issues");
        tab.waitFor("document.getElementById('first-event-snippet')");
        assertThat(tab.text("#first-event-snippet")).contains("X-Signature").contains("/v1/ingest");
        tab.screenshot(SCREENSHOTS.resolve("dashboard-empty.png"));
    }

    @Test
    @Order(2)
    void eventsSentThroughTheApiShowUpAndCanBeFiltered() throws Exception {
        for (int i = 0; i < 3; i++) {
            event("TypeError", "Cannot read property 'total' of undefined", "prod", "2.0.0");
        }
        event("NetworkError", "timeout after 30s", "staging", "2.1.0");
        event("XSSProbe", XSS, "prod", "2.0.0");
        BLOOP.awaitCount("SELECT count(*) FROM error_groups", 3);

        tab.open(home() + "issues");
        tab.waitFor("document.querySelectorAll('#issue-list tbody tr').length === 3");
        assertThat(tab.text("#issue-total")).isEqualTo("3 issues");
        tab.screenshot(SCREENSHOTS.resolve("dashboard-issues.png"));

        tab.fill("#filter-environment", "staging");
        tab.click("#filter-apply");
        tab.waitFor(ONE_ROW_WITH + "'timeout after 30s')");
        assertThat(tab.text("#issue-list tbody tr")).contains("timeout after 30s");
        assertThat(tab.url()).contains("environment=staging");

        tab.fill("#filter-environment", "");
        tab.fill("#filter-q", "total");
        tab.click("#filter-apply");
        tab.waitFor(ONE_ROW_WITH + "'TypeError')");
        assertThat(tab.url()).contains("q=total").doesNotContain("environment=");
    }

    @Test
    @Order(3)
    void anIssueOpensResolvesShowsItsHistoryAndSurvivesAReload() throws Exception {
        tab.click("#issue-list tbody tr a");
        tab.waitFor("document.getElementById('issue-title')");
        assertThat(tab.text("#issue-title")).contains("TypeError").contains("Cannot read property 'total' of undefined");
        assertThat(tab.url()).matches(".*/issues/[0-9a-f]{16}$");
        tab.waitFor("document.querySelector('#issue .chart canvas')");
        assertThat(tab.text("#issue")).contains("2.0.0").contains("prod").contains("at checkout (src/cart.ts:10:5)")
                .contains("plan");

        tab.click("#action-resolve");
        tab.waitFor("document.querySelector('#issue .status') && document.querySelector('#issue .status').textContent === 'resolved'");
        tab.waitFor("document.querySelector('#history tbody tr')");
        assertThat(tab.text("#history")).contains("ann").contains("unresolved → resolved");
        tab.screenshot(SCREENSHOTS.resolve("dashboard-issue.png"));

        String deepLink = tab.url();
        tab.open(deepLink);
        tab.waitFor("document.getElementById('issue-title')");
        assertThat(tab.text("#issue .status")).isEqualTo("resolved");
        assertThat(BLOOP.count("SELECT count(*) FROM error_groups WHERE status = 'resolved'")).isEqualTo(1);
    }

    @Test
    @Order(4)
    void eventDataIsShownAsTextNeverRunAsHtml() throws Exception {
        tab.open(home() + "issues?status=&q=XSSProbe");
        tab.waitFor("document.querySelectorAll('#issue-list tbody tr').length === 1");
        assertThat(tab.eval("document.querySelector('#issue-list img') === null").asBoolean()).isTrue();
        tab.click("#issue-list tbody tr a");
        tab.waitFor("document.getElementById('issue-title')");
        assertThat(tab.text("#issue-title")).contains("<img src=x onerror=\"window.__xss=1\"><script>");
        assertThat(tab.eval("document.querySelectorAll('#app img, #app script').length").asInt()).isZero();
        assertThat(tab.eval("typeof window.__xss").asText()).isEqualTo("undefined");
        tab.screenshot(SCREENSHOTS.resolve("dashboard-xss-as-text.png"));
    }

    @Test
    @Order(5)
    void theOtherPagesRenderTheirData() throws Exception {
        tab.click("#nav-overview");
        tab.waitFor("document.querySelector('#overview .chart canvas')");
        assertThat(tab.text("#overview")).contains("events, 24 h").contains("/api/cart");
        tab.screenshot(SCREENSHOTS.resolve("dashboard-overview.png"));

        tab.click("#nav-releases");
        tab.waitFor("document.querySelector('#releases tr[data-release=\"2.0.0\"]')");
        tab.click("#releases tr[data-release=\"2.1.0\"] a");
        tab.waitFor("document.getElementById('releases').textContent.includes('Issues in 2.1.0')");
        tab.waitFor("document.getElementById('releases').textContent.includes('timeout after 30s')");
        tab.screenshot(SCREENSHOTS.resolve("dashboard-releases.png"));

        tab.click("#nav-alerts");
        tab.fill("#rule-name", "new issues in prod");
        tab.click("#rule-create");
        tab.waitFor("document.querySelector('#alerts li[data-rule]')");
        assertThat(BLOOP.count("SELECT count(*) FROM alert_rules WHERE name = 'new issues in prod'")).isEqualTo(1);
        tab.click("#alerts li[data-rule] button.edit");
        tab.fill(".rule-edit input", "prod: new issues");
        tab.click(".rule-edit button[type=submit]");
        tab.waitFor("document.getElementById('alerts').textContent.includes('prod: new issues')");
        assertThat(BLOOP.count("SELECT count(*) FROM alert_rules WHERE name = 'prod: new issues'")).isEqualTo(1);
        tab.screenshot(SCREENSHOTS.resolve("dashboard-alerts.png"));

        tab.click("#nav-tokens");
        tab.fill("#token-name", "ci");
        tab.click("#token-create");
        tab.waitFor("document.getElementById('new-token-value')");
        assertThat(tab.text("#new-token-value")).startsWith("bloop_tk_");
        tab.screenshot(SCREENSHOTS.resolve("dashboard-tokens.png"));

        tab.click("#nav-projects");
        tab.waitFor("document.querySelector('#project-list li[data-slug=default]')");
        tab.click("#project-list li[data-slug=default] button");
        tab.waitFor("document.querySelector('.keys .ingest-key')");
        tab.screenshot(SCREENSHOTS.resolve("dashboard-projects.png"));

        tab.click("#nav-admin");
        tab.waitFor("document.querySelector('#retention dl')");
        assertThat(tab.text("#user-list")).contains("ann");
        tab.screenshot(SCREENSHOTS.resolve("dashboard-admin.png"));
    }

    @Test
    @Order(6)
    void apiErrorsAreShownInPlainWords() throws Exception {
        tab.open(home() + "issues/00000000deadbeef");
        tab.waitFor("document.querySelector('.problem')");
        assertThat(tab.text(".problem")).contains("does not exist");
    }

    @Test
    @Order(7)
    void everyDashboardPathServesTheShellUnderAStrictPolicy() {
        java.net.http.HttpResponse<String> r = BLOOP.get(BLOOP.url("/issues/0123456789abcdef"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        String csp = r.headers().firstValue("Content-Security-Policy").orElse("");
        assertThat(csp).contains("script-src 'self' 'sha256-").contains("frame-ancestors 'none'")
                .doesNotContain("unsafe-inline").doesNotContain("unsafe-eval");
        assertThat(r.body()).contains("<script type=\"importmap\">");
        assertThat(BLOOP.get(BLOOP.url("/releases/1.0.0")).statusCode()).isEqualTo(200);
        assertThat(BLOOP.get(BLOOP.url("/ui/js/app.js")).statusCode()).isEqualTo(200);
        assertThat(BLOOP.get(BLOOP.url("/webjars/preact/10.25.4/dist/preact.module.js")).statusCode()).isEqualTo(200);
        assertThat(BLOOP.get(BLOOP.url("/not-a-page")).statusCode()).isEqualTo(404);
        assertThat(BLOOP.get(BLOOP.url("/ui/")).statusCode()).as("the shell only with its policy").isEqualTo(404);
    }

    @Test
    @Order(8)
    void aJavaScriptStackIsShownSourceMapped() throws Exception {
        String token = BLOOP.token("ci", "default", dev.bloop.service.token.Scope.SOURCEMAPS_WRITE);
        byte[] map;
        String stack;
        try (var in = DashboardBrowserIT.class.getResourceAsStream("/sourcemaps/app.min.js.map");
             var st = DashboardBrowserIT.class.getResourceAsStream("/sourcemaps/v8-stack.txt")) {
            map = in.readAllBytes();
            stack = new String(st.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        dev.bloop.service.sourcemap.Multipart form = dev.bloop.service.sourcemap.Multipart.sourceMap("3.0.0",
                "app.min.js.map", map);
        assertThat(BloopTestApp.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                        BLOOP.url("/v1/projects/default/sourcemaps")))
                .header("Authorization", "Bearer " + token).header("Content-Type", form.contentType())
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(form.body())).build()).statusCode())
                .isEqualTo(201);
        String body = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode()
                .put("timestamp", 1700000000000L).put("source", "web").put("environment", "prod").put("release", "3.0.0")
                .put("error_type", "PricingError").put("message", "Cannot price sku").put("stack", stack).toString();
        assertThat(BLOOP.ingest("/v1/ingest", body).statusCode()).isEqualTo(200);
        BLOOP.awaitCount("SELECT count(*) FROM error_groups WHERE error_type = 'PricingError'", 1);

        tab.open(home() + "issues?status=&q=PricingError");
        tab.waitFor(ONE_ROW_WITH + "'PricingError')");
        tab.click("#issue-list tbody tr a");
        tab.waitFor("document.querySelector('ol.frames')");
        assertThat(tab.text("ol.frames")).contains("priceOf").contains("src/pricing.ts").contains("at c (app.min.js:1:532)");
        tab.screenshot(SCREENSHOTS.resolve("dashboard-issue-sourcemapped.png"));
    }
}
