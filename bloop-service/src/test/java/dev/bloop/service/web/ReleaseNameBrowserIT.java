package dev.bloop.service.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bloop.service.BloopConfiguration;
import dev.bloop.service.BloopTestApp;
import dev.bloop.service.ConsoleCapture;
import dev.bloop.service.auth.Ceremonies;
import dev.bloop.service.browser.Chromium;
import dev.bloop.service.browser.Tab;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A release named with a slash ({@code ios/2.3.1}, as mobile teams name them) has a dashboard page
 * like any other: reached from the release list, and again when its address is opened directly (a
 * bookmark, a link pasted in chat), in a real headless Chromium.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class ReleaseNameBrowserIT {
    static {
        ConsoleCapture.install();
    }

    private static final BloopTestApp BLOOP = new BloopTestApp();
    static final DropwizardAppExtension<BloopConfiguration> APP = BLOOP.extension();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static Chromium chromium;
    private static Tab tab;

    @BeforeAll
    static void signIn() throws Exception {
        chromium = Chromium.launch();
        tab = chromium.newTab();
        tab.setUpFirstAdmin(page("/"), "ann", Ceremonies.setupCode(BLOOP));
    }

    @AfterAll
    static void stop() {
        if (chromium != null) {
            chromium.close();
        }
    }

    /** The dashboard as people open it (a passkey's origin is a name, not an address). */
    private static String page(String path) {
        return "http://localhost:" + APP.getLocalPort() + path;
    }

    private static String ingest(String release, String type) throws Exception {
        String body = "{\"timestamp\":" + System.currentTimeMillis() + ",\"source\":\"ios\",\"environment\":\"prod\","
                + "\"release\":\"" + release + "\",\"error_type\":\"" + type + "\",\"message\":\"crash on launch\"}";
        HttpResponse<String> r = BLOOP.ingest("/v1/ingest", body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body()).get("fingerprint").asText();
    }

    @Test
    void aReleaseWithASlashOpensItsPageFromTheListAndFromItsAddress() throws Exception {
        String ios = ingest("ios/2.3.1", "LaunchError");
        String other = ingest("ios-2.3.1", "OtherLaunchError");
        BLOOP.awaitCount("SELECT count(*) FROM error_groups WHERE fingerprint IN ('" + ios + "', '" + other + "')", 2);

        tab.open(page("/releases?project=default"));
        tab.waitFor("document.querySelector('#release-list tr[data-release=\"ios/2.3.1\"] a')");
        tab.click("#release-list tr[data-release=\"ios/2.3.1\"] a");
        tab.waitFor("document.getElementById('release-detail') || document.querySelector('.problem, #release-unknown')");
        assertThat(tab.text("#release-detail h3")).isEqualTo("Release ios/2.3.1");
        assertThat(tab.eval("document.querySelector('#release-detail tr[data-fingerprint=\"" + ios + "\"]') !== null")
                .asBoolean()).as("the release's issue is listed").isTrue();
        assertThat(tab.text("#release-detail")).contains("LaunchError").doesNotContain("OtherLaunchError");
        assertThat(new URI(tab.url()).getRawPath()).isEqualTo("/releases/ios%2F2.3.1");

        tab.open(page("/releases/ios%2F2.3.1?project=default"));
        tab.waitFor("document.getElementById('release-detail') || document.querySelector('.problem, #release-unknown')");
        assertThat(tab.text("#release-detail h3")).as("opened by its address").isEqualTo("Release ios/2.3.1");
        assertThat(tab.text("#release-detail")).contains("LaunchError");
        tab.screenshot(SCREENSHOTS.resolve("release-with-slash.png"));
        assertThat(tab.consoleErrors()).isEmpty();
    }
}
