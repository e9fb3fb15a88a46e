package dev.bloop.service.ingest;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * In a real headless Chromium: a quota and filters set on the project page take effect on ingest at
 * once, a bad value is explained, and the page shows what ingest refused.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class IngestPolicyBrowserIT {
    static {
        ConsoleCapture.install();
    }

    private static final BloopTestApp BLOOP = new BloopTestApp();
    static final DropwizardAppExtension<BloopConfiguration> APP = BLOOP.extension();
    private static Chromium chromium;
    private static Tab tab;

    @BeforeAll
    static void signIn() throws Exception {
        chromium = Chromium.launch();
        tab = chromium.newTab();
        tab.setUpFirstAdmin("http://localhost:" + APP.getLocalPort() + "/", "ann", Ceremonies.setupCode(BLOOP));
    }

    @AfterAll
    static void stopBrowser() {
        if (chromium != null) {
            chromium.close();
        }
    }

    private static String event(String release, String message) {
        return "{\"timestamp\":" + System.currentTimeMillis() + ",\"source\":\"web\",\"environment\":\"prod\","
                + "\"release\":\"" + release + "\",\"error_type\":\"E\",\"message\":\"" + message + "\"}";
    }

    @Test
    void limitsSetOnTheProjectPageApplyToIngestAndItsRefusalsAreShown() throws Exception {
        tab.click("#nav-projects");
        tab.click("#project-list li[data-slug=default] button");
        tab.waitFor("document.querySelector('.ingest-policy .policy-refused')");
        assertThat(tab.text(".ingest-policy .policy-refused")).contains("nothing");

        tab.fill(".ingest-policy .policy-rate", "0");
        tab.click(".ingest-policy .policy-save");
        tab.waitFor("document.querySelector('.ingest-policy .problem')");
        assertThat(tab.text(".ingest-policy .problem")).contains("events_per_minute");

        tab.fill(".ingest-policy .policy-rate", "60");
        tab.fill(".ingest-policy .policy-burst", "2");
        tab.fill(".ingest-policy .policy-releases", "3.0.0\n");
        tab.click(".ingest-policy .policy-save");
        tab.waitFor("document.querySelector('.ingest-policy .policy-saved')");

        assertThat(BLOOP.ingest("/v1/ingest", event("3.0.0", "one")).statusCode()).isEqualTo(200);
        assertThat(BLOOP.ingest("/v1/ingest", event("2.9.0", "old release")).body()).contains("filtered");
        assertThat(BLOOP.ingest("/v1/ingest", event("3.0.0", "two")).statusCode()).isEqualTo(200);
        assertThat(BLOOP.ingest("/v1/ingest", event("3.0.0", "three")).statusCode()).as("past the burst").isEqualTo(429);

        tab.click("#project-list li[data-slug=default] button"); // close and open again: reloaded
        tab.click("#project-list li[data-slug=default] button");
        tab.waitFor("document.querySelector('.ingest-policy li[data-reason=quota]')");
        assertThat(tab.text(".ingest-policy li[data-reason=quota]")).contains("1 over the quota");
        assertThat(tab.text(".ingest-policy li[data-reason=filtered_release]")).contains("1 release not allowed");
        assertThat(tab.value(".ingest-policy .policy-rate")).isEqualTo("60");
        tab.screenshot(Path.of("target", "screenshots", "dashboard-ingest-policy.png"));
    }
}
