package dev.bloop.service.sentry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.bloop.service.BloopConfiguration;
import dev.bloop.service.BloopTestApp;
import dev.bloop.service.ConsoleCapture;
import dev.bloop.service.auth.Ceremonies;
import dev.bloop.service.auth.WebSession;
import dev.bloop.service.browser.Chromium;
import dev.bloop.service.browser.Tab;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The real {@code @sentry/browser} (npm, pinned, bundled by esbuild) in a real headless Chromium: a
 * shop page served from another origin throws, uncaught, from the same site twice and from another
 * site once, and sends a message; the SDK's global handlers report them cross-origin to bloop
 * (CORS), which files them as issues. Against a project with a one-event quota, the SDK stops
 * sending once bloop answers 429.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class SentryBrowserSdkBrowserIT {
    static {
        ConsoleCapture.install();
    }

    private static final BloopTestApp BLOOP = new BloopTestApp(Map.of("BLOOP__SENTRY__ENABLED", "true"));
    static final DropwizardAppExtension<BloopConfiguration> APP = BLOOP.extension();
    private static WebSession admin;
    private static HttpServer shop;
    private static Chromium chromium;

    @BeforeAll
    static void start() throws Exception {
        admin = Ceremonies.registerFirstAdmin(BLOOP, "ann", Ceremonies.passkey(BLOOP));
        chromium = Chromium.launch();
        Path dir = SentryClients.npmProject();
        Path web = dir.resolve("web");
        Files.createDirectories(web);
        SentryClients.run(dir, 300, "node", "browser-build.mjs");
        Files.copy(dir.resolve("browser-page.html"), web.resolve("index.html"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.copy(dir.resolve("browser-shop.js"), web.resolve("shop.js"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        shop = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        shop.createContext("/", exchange -> {
            String name = exchange.getRequestURI().getPath().replace("/", "");
            Path file = web.resolve(name.isEmpty() ? "index.html" : name);
            byte[] body = Files.exists(file) ? Files.readAllBytes(file) : new byte[0];
            exchange.getResponseHeaders().set("Content-Type", name.endsWith(".js") ? "text/javascript" : "text/html");
            exchange.sendResponseHeaders(body.length == 0 ? 404 : 200, body.length == 0 ? -1 : body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        shop.start();
    }

    @AfterAll
    static void stop() {
        if (chromium != null) {
            chromium.close();
        }
        if (shop != null) {
            shop.stop(0);
        }
    }

    private static void openShop(RealSentrySdksIT.Project p, String phase) {
        Tab tab = chromium.newTab();
        tab.open("http://127.0.0.1:" + shop.getAddress().getPort() + "/?dsn="
                + URLEncoder.encode(p.dsn(), StandardCharsets.UTF_8) + "&release=storefront%402.4.0&phase=" + phase);
        tab.waitFor("window.__done !== null && window.__done !== undefined", Duration.ofSeconds(60));
        JsonNode done = tab.eval("JSON.stringify(window.__done)");
        assertThat(done.asText()).contains("\"flushed\":true");
    }

    @Test
    void aPageThatThrowsReportsIssuesAndStopsSendingWhenRateLimited() throws Exception {
        RealSentrySdksIT.Project issues = RealSentrySdksIT.project(admin, "browser-issues", false);
        openShop(issues, "issues");
        RealSentrySdksIT.assertIssues(BLOOP, issues, "web", "storefront@2.4.0", "browser-test", "TypeError",
                "RangeError", "browser says hello");
        assertThat(BLOOP.count("SELECT count(*) FROM error_groups WHERE project_id = '" + issues.id()
                + "' AND error_type = 'TypeError' AND grouping_frame = 'at checkout (http://127.0.0.1/shop.js)'"))
                .as("grouped by the page's own frame (positions removed)").isEqualTo(1);

        RealSentrySdksIT.Project quota = RealSentrySdksIT.project(admin, "browser-quota", true);
        openShop(quota, "quota");
        RealSentrySdksIT.assertQuotaHonoured(BLOOP, quota);
    }
}
