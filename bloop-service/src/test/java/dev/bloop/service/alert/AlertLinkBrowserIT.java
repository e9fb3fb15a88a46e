package dev.bloop.service.alert;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bloop.service.BloopConfiguration;
import dev.bloop.service.BloopTestApp;
import dev.bloop.service.ConsoleCapture;
import dev.bloop.service.auth.Ceremonies;
import dev.bloop.service.browser.Chromium;
import dev.bloop.service.browser.Tab;
import dev.bloop.service.access.Scope;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The link in a delivered notification, opened in a real headless Chromium by a signed-in user,
 * shows that issue's page: the link is what people click in Slack, e-mail and webhook consumers.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class AlertLinkBrowserIT {
    static {
        ConsoleCapture.install();
    }

    private static final int PORT = freePort();
    private static final Receiver RECEIVER = receiver();
    private static final BloopTestApp BLOOP = new BloopTestApp(Map.of(
            "BLOOP__SERVER__PORT", Integer.toString(PORT),
            "BLOOP__ALERTING__BASE_URL", "http://localhost:" + PORT,
            "BLOOP__ALERTING__ALLOW_PRIVATE_TARGETS", "true"));
    static final DropwizardAppExtension<BloopConfiguration> APP = BLOOP.extension();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static Chromium chromium;
    private static Tab tab;

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Receiver receiver() {
        try {
            return new Receiver();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @BeforeAll
    static void signIn() throws Exception {
        chromium = Chromium.launch();
        tab = chromium.newTab();
        tab.setUpFirstAdmin("http://localhost:" + PORT + "/", "ann", Ceremonies.setupCode(BLOOP));
    }

    @AfterAll
    static void stop() {
        if (chromium != null) {
            chromium.close();
        }
        RECEIVER.close();
    }

    @Test
    void theLinkInADeliveredNotificationOpensThatIssuesPage() throws Exception {
        String token = BLOOP.token("alerts", "default", Scope.ALERTS_WRITE);
        String rule = call(token, "/v1/alerts", "{\"name\":\"new issues\",\"config\":{\"type\":\"new_issue\"}}");
        call(token, "/v1/alerts/" + JSON.readTree(rule).get("id").asLong() + "/channels",
                "{\"type\":\"webhook\",\"url\":\"" + RECEIVER.url("/hook") + "\"}");
        // Two issues, so that landing on the list or on the wrong issue cannot pass.
        String other = ingest("OtherError", "not this one");
        String fp = ingest("CheckoutError", "card declined for order 42");
        assertThat(fp).isNotEqualTo(other);

        String link = null;
        for (int i = 0; i < 2 && link == null; i++) {
            Receiver.Received hook = RECEIVER.nextFor("/hook", 5000);
            assertThat(hook).as("notification delivered").isNotNull();
            JsonNode body = JSON.readTree(hook.body());
            if (body.get("fingerprint").asText().equals(fp)) {
                link = body.get("url").asText();
            }
        }
        assertThat(link).as("a notification for " + fp).isNotNull();

        tab.open(link);
        tab.waitFor("document.getElementById('issue-title')");
        assertThat(tab.text("#issue-title")).contains("CheckoutError").contains("card declined for order 42");
        assertThat(tab.text("#issue")).contains(fp);
        assertThat(new URI(tab.url()).getPath()).isEqualTo("/issues/" + fp);
        tab.screenshot(SCREENSHOTS.resolve("alert-link-issue.png"));
    }

    @Test
    void aLinkToAnotherProjectsIssueOpensItInThatProject() throws Exception {
        JsonNode shop = JSON.readTree(tab.eval("fetch('/v1/projects', {method: 'POST', headers: {'Content-Type': "
                + "'application/json'}, body: JSON.stringify({name: 'Shop', slug: 'shop'})}).then(r => r.text())").asText());
        String token = BLOOP.token("shop-alerts", shop.get("id").asText(), Scope.ALERTS_WRITE);
        String rule = call(token, "/v1/alerts", "{\"name\":\"shop issues\",\"config\":{\"type\":\"new_issue\"}}");
        call(token, "/v1/alerts/" + JSON.readTree(rule).get("id").asLong() + "/channels",
                "{\"type\":\"webhook\",\"url\":\"" + RECEIVER.url("/hook-shop") + "\"}");
        String body = "{\"timestamp\":" + System.currentTimeMillis() + ",\"source\":\"web\",\"environment\":\"prod\","
                + "\"release\":\"5.0\",\"error_type\":\"BasketError\",\"message\":\"basket total is negative\"}";
        HttpResponse<String> r = BLOOP.post("/v1/ingest", body, Map.of("Content-Type", "application/json",
                "X-Project-Key", shop.get("ingest_key").asText(),
                "X-Signature", dev.bloop.api.Signatures.sign(shop.get("ingest_secret").asText(), body)));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        String fp = JSON.readTree(r.body()).get("fingerprint").asText();

        Receiver.Received hook = RECEIVER.nextFor("/hook-shop", 5000);
        assertThat(hook).as("notification delivered").isNotNull();
        String link = JSON.readTree(hook.body()).get("url").asText();
        assertThat(link).isEqualTo("http://localhost:" + PORT + "/issues/" + fp + "?project=shop");

        tab.open(link);
        tab.waitFor("document.getElementById('issue-title')");
        assertThat(tab.text("#issue-title")).contains("BasketError").contains("basket total is negative");
        assertThat(tab.eval("document.getElementById('project-select').value").asText())
                .as("the dashboard switched to the issue's project").isEqualTo(shop.get("id").asText());
        tab.screenshot(SCREENSHOTS.resolve("alert-link-other-project.png"));
    }

    private static String ingest(String type, String message) throws Exception {
        String body = "{\"timestamp\":" + System.currentTimeMillis() + ",\"source\":\"ios\",\"environment\":\"prod\","
                + "\"release\":\"2.0.0\",\"error_type\":\"" + type + "\",\"message\":\"" + message + "\"}";
        HttpResponse<String> r = BLOOP.ingest("/v1/ingest", body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body()).get("fingerprint").asText();
    }

    private static String call(String token, String path, String body) {
        HttpResponse<String> r = BloopTestApp.send(HttpRequest.newBuilder(URI.create(BLOOP.url(path)))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return r.body();
    }
}
