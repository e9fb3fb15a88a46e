package dev.bloop.service.sentry;

import static dev.bloop.service.sentry.SentryWire.auth;
import static dev.bloop.service.sentry.SentryWire.envelope;
import static dev.bloop.service.sentry.SentryWire.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bloop.service.BloopConfiguration;
import dev.bloop.service.BloopTestApp;
import dev.bloop.service.ConsoleCapture;
import dev.bloop.service.auth.Ceremonies;
import dev.bloop.service.browser.Chromium;
import dev.bloop.service.browser.Tab;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The dashboard in headless Chromium: the project page shows the project's DSN (and warns when the
 * operator lets the project's apps sign with its public key), and the releases page shows how many
 * sessions of a release were crash-free. Screenshots in {@code target/screenshots/}.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class SentryDashboardBrowserIT {
    static {
        ConsoleCapture.install();
    }

    private static final BloopTestApp BLOOP = new BloopTestApp(Map.of("BLOOP__SENTRY__ENABLED", "true",
            "BLOOP__AUTH__LEGACY_KEY_SIGNING", "default"));
    static final DropwizardAppExtension<BloopConfiguration> APP = BLOOP.extension();
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
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

    @Test
    void theProjectPageShowsTheDsnAndTheLegacySigningWarningAndReleasesShowCrashFreeSessions() throws Exception {
        tab.click("#nav-projects");
        tab.waitFor("document.querySelector('#project-list li[data-slug=default]')");
        tab.click("#project-list li[data-slug=default] button");
        tab.waitFor("document.querySelector('.keys .sentry-dsn')");
        String dsn = tab.text(".keys .sentry-dsn");
        URI u = URI.create(dsn);
        assertThat(u.getUserInfo()).matches("[0-9a-f]{32}");
        assertThat(u.getPath()).matches("/[0-9]+");
        assertThat(tab.text(".keys .legacy-signing")).contains("auth.legacy_key_signing").contains("public");
        tab.screenshot(SCREENSHOTS.resolve("sentry-project-dsn.png"));

        // The DSN shown is the one that works: a crashed and a clean session of one release.
        String path = "/api" + u.getPath() + "/envelope/";
        for (String status : new String[] {"exited", "crashed"}) {
            String session = "{\"sid\":\"" + SentryWire.eventId() + "\",\"did\":\"" + status + "\",\"init\":true,"
                    + "\"status\":\"" + status + "\",\"attrs\":{\"release\":\"app@1.2.0\"}}";
            assertThat(SentryWire.post(BLOOP, path, utf8(envelope("{}", "session", session)),
                    "X-Sentry-Auth", auth(u.getUserInfo())).statusCode()).isEqualTo(200);
        }
        tab.click("#nav-releases");
        tab.waitFor("document.querySelector('#releases tr[data-release=\"app@1.2.0\"] td.health')");
        assertThat(tab.text("#releases tr[data-release=\"app@1.2.0\"] td.health")).contains("50.0 %");
        tab.screenshot(SCREENSHOTS.resolve("sentry-release-health.png"));
    }
}
