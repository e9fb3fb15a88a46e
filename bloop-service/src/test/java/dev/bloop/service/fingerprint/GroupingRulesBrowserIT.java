package dev.bloop.service.fingerprint;

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
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * In a real headless Chromium: the in-app rules set on the project page group the next event, and
 * the issue page says which frame was used and why.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class GroupingRulesBrowserIT {
    static {
        ConsoleCapture.install();
    }

    private static final BloopTestApp BLOOP = new BloopTestApp();
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
    void rulesSetOnTheProjectPageGroupTheNextEventAndTheIssuePageSaysWhy() throws Exception {
        tab.click("#nav-projects");
        tab.click("#project-list li[data-slug=default] button");
        tab.waitFor("document.querySelector('.grouping-rules .rules-version')");
        assertThat(tab.text(".grouping-rules .rules-version")).contains("rules version 0");
        tab.fill(".grouping-rules .in-app-include", "com.acme.\n");
        tab.fill(".grouping-rules .in-app-exclude", " com.acme.shop.net. \n\n");
        tab.click(".grouping-rules .rules-save");
        tab.waitFor("document.querySelector('.grouping-rules .rules-version').textContent.includes('rules version 1')");
        assertThat(tab.text(".grouping-rules .rules-version")).contains("changed by ann");
        tab.screenshot(SCREENSHOTS.resolve("dashboard-grouping-rules.png"));
        assertThat(BLOOP.count("SELECT count(*) FROM grouping_rules WHERE project_id = 'default' AND version = 1 "
                + "AND in_app_include = '[\"com.acme.\"]' AND in_app_exclude = '[\"com.acme.shop.net.\"]'")).isEqualTo(1);

        // A refused value is shown in plain words, and nothing changes.
        tab.fill(".grouping-rules .in-app-exclude", "com.acme.");
        tab.click(".grouping-rules .rules-save");
        tab.waitFor("document.querySelector('.grouping-rules .problem')");
        assertThat(tab.text(".grouping-rules .problem")).contains("in both in_app_include and in_app_exclude");

        String body = new ObjectMapper().createObjectNode().put("timestamp", System.currentTimeMillis())
                .put("source", "android").put("environment", "prod").put("release", "5.1.0")
                .put("error_type", "SocketTimeoutException").put("message", "timeout")
                .put("stack", RealStacksTest.stack("android-okhttp.txt")).toString();
        assertThat(BLOOP.ingest("/v1/ingest", body).statusCode()).isEqualTo(200);
        BLOOP.awaitCount("SELECT count(*) FROM error_groups WHERE error_type = 'SocketTimeoutException'", 1);

        tab.open(home() + "issues/" + fingerprint());
        tab.waitFor("document.getElementById('frame-reason')");
        assertThat(tab.text("#issue")).contains("at com.acme.shop.catalog.CatalogRepository.refresh(CatalogRepository.kt)");
        assertThat(tab.text("#frame-reason")).isEqualTo("in_app_include com.acme. (in-app rules version 1)");
        tab.screenshot(SCREENSHOTS.resolve("dashboard-issue-frame-reason.png"));
    }

    private static String fingerprint() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + BLOOP.dbFile());
             ResultSet rs = c.createStatement().executeQuery(
                     "SELECT fingerprint FROM error_groups WHERE error_type = 'SocketTimeoutException'")) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }
}
