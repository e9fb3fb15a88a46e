package dev.bloop.service.sentry;

import dev.bloop.service.NpmTestProject;
import static dev.bloop.service.auth.WebSession.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bloop.service.BloopConfiguration;
import dev.bloop.service.BloopTestApp;
import dev.bloop.service.ConsoleCapture;
import dev.bloop.service.auth.Ceremonies;
import dev.bloop.service.auth.WebSession;
import dev.bloop.service.access.Scope;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.sentry.Sentry;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Sentry SDKs nobody on the team wrote, pointed at a running bloop by nothing but a project's DSN:
 * {@code @sentry/node} (npm, pinned), {@code io.sentry:sentry} (Java), Debian's Python
 * {@code sentry-sdk} 1.x (the legacy store endpoint, gzip) and Debian's {@code sentry-ruby}. Each
 * throws from the same site twice (one issue), from another site once, and sends a message; then,
 * against a project whose quota is one event, sends four errors: bloop refuses the second with 429
 * and the SDK, told so by {@code X-Sentry-Rate-Limits}, sends nothing more.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class RealSentrySdksIT {
    static {
        ConsoleCapture.install();
    }

    private static final BloopTestApp BLOOP = new BloopTestApp(Map.of("BLOOP__SENTRY__ENABLED", "true"));
    static final DropwizardAppExtension<BloopConfiguration> APP = BLOOP.extension();
    private static WebSession admin;

    @BeforeAll
    static void signIn() {
        admin = Ceremonies.registerFirstAdmin(BLOOP, "ann", Ceremonies.passkey(BLOOP));
    }

    /** A new project; its id and DSN. */
    record Project(String id, String dsn) {
    }

    static Project project(WebSession admin, String slug, boolean oneEventQuota) {
        JsonNode p = json(admin.post("/v1/projects", "{\"name\":\"" + slug + "\",\"slug\":\"" + slug + "\"}"));
        if (oneEventQuota) {
            assertThat(admin.put("/v1/projects/" + slug + "/ingest", "{\"events_per_minute\":1,\"burst\":1}").statusCode())
                    .isEqualTo(200);
        }
        return new Project(p.get("id").asText(), p.get("dsn").asText());
    }

    /**
     * Three issues: the repeated throw site (two events, one issue), the other site, the message; all
     * with the SDK's release, environment and platform.
     */
    static void assertIssues(BloopTestApp bloop, Project p, String source, String release, String environment,
                             String repeatedType, String otherType, String message) {
        String in = "project_id = '" + p.id() + "'";
        bloop.awaitCount("SELECT count(*) FROM raw_events WHERE " + in, 4);
        assertThat(bloop.count("SELECT count(*) FROM error_groups WHERE " + in)).isEqualTo(3);
        assertThat(bloop.count("SELECT count(*) FROM error_groups WHERE " + in + " AND error_type = '" + repeatedType
                + "' AND message LIKE 'cart % has no items' AND total_count = 2 AND source = '" + source + "'"))
                .as("the same throw site twice is one issue").isEqualTo(1);
        assertThat(bloop.count("SELECT count(DISTINCT message) FROM raw_events WHERE " + in + " AND message IN "
                + "('cart 17 has no items', 'cart 42 has no items')")).isEqualTo(2);
        assertThat(bloop.count("SELECT count(*) FROM error_groups WHERE " + in + " AND error_type = '" + otherType
                + "' AND message = 'refund of order 7 exceeds the payment'")).isEqualTo(1);
        assertThat(bloop.count("SELECT count(*) FROM error_groups WHERE " + in + " AND error_type = 'Message' "
                + "AND message = '" + message + "'")).isEqualTo(1);
        assertThat(bloop.count("SELECT count(*) FROM raw_events WHERE " + in + " AND (release <> '" + release
                + "' OR environment <> '" + environment + "' OR source <> '" + source + "')")).isZero();
    }

    /** One event kept, one refused with 429 (counted once in the ledger), the other two never sent. */
    static void assertQuotaHonoured(BloopTestApp bloop, Project p) throws InterruptedException {
        bloop.awaitCount("SELECT coalesce(sum(count), 0) FROM ingest_ledger WHERE project_id = '" + p.id()
                + "' AND reason = 'quota'", 1);
        Thread.sleep(200);
        assertThat(bloop.count("SELECT count(*) FROM raw_events WHERE project_id = '" + p.id() + "'")).isEqualTo(1);
        assertThat(bloop.count("SELECT sum(count) FROM ingest_ledger WHERE project_id = '" + p.id()
                + "' AND reason = 'quota'")).as("after the 429 the SDK sent nothing more").isEqualTo(1);
    }

    private static List<String> scenario(String program, String script, Project p, String release, String env,
                                         String phase) {
        List<String> command = new ArrayList<>(List.of(program, script, p.dsn(), release, env, phase));
        return command;
    }

    @Test
    void sentryNodeReportsIssuesSessionsAndHonoursRateLimits() throws Exception {
        Path dir = SentryClients.npmProject();
        Project issues = project(admin, "node-issues", false);
        String out = SentryClients.run(dir, 120, scenario("node", "node-client.mjs", issues, "shop@3.0.0", "prod",
                "issues").toArray(String[]::new));
        assertThat(out).contains("\"flushed\":true");
        assertIssues(BLOOP, issues, "node", "shop@3.0.0", "prod", "TypeError", "RangeError", "node says hello");
        // Its session: release health for the release.
        String token = BLOOP.token("node", issues.id(), Scope.ERRORS_READ);
        long deadline = System.nanoTime() + 15_000_000_000L;
        JsonNode health = null;
        while (health == null && System.nanoTime() < deadline) {
            for (JsonNode r : json(BloopTestApp.send(HttpRequest.newBuilder(URI.create(BLOOP.url("/v1/releases")))
                    .header("Authorization", "Bearer " + token).GET().build()))) {
                if (r.get("release").asText().equals("shop@3.0.0") && r.has("health")) {
                    health = r.get("health");
                }
            }
            Thread.sleep(100);
        }
        assertThat(health).as("release health from the SDK's session").isNotNull();
        assertThat(health.get("sessions").asLong()).isEqualTo(1);
        assertThat(health.get("crash_free_sessions").asDouble()).isEqualTo(1.0);

        Project quota = project(admin, "node-quota", true);
        SentryClients.run(dir, 120, scenario("node", "node-client.mjs", quota, "shop@3.0.0", "prod", "quota")
                .toArray(String[]::new));
        assertQuotaHonoured(BLOOP, quota);

        // Transactions are skipped, and the category rate-limited: the second trace is never sent.
        Project traces = project(admin, "node-traces", false);
        SentryClients.run(dir, 120, scenario("node", "node-client.mjs", traces, "shop@3.0.0", "prod", "traces")
                .toArray(String[]::new));
        BLOOP.awaitCount("SELECT coalesce(sum(count), 0) FROM ingest_ledger WHERE project_id = '" + traces.id()
                + "' AND reason LIKE 'skipped:%'", 1);
        Thread.sleep(200);
        assertThat(BLOOP.count("SELECT sum(count) FROM ingest_ledger WHERE project_id = '" + traces.id()
                + "' AND reason LIKE 'skipped:%'")).isEqualTo(1);
    }

    @Test
    void debiansPythonSdkSendsThroughTheLegacyStoreEndpoint() throws Exception {
        NpmTestProject.Result check = SentryClients.tryRun(Path.of("."), 60, "/usr/bin/python3", "-c",
                "import sentry_sdk; print(sentry_sdk.VERSION)");
        if (check == null || check.exit() != 0) {
            SentryClients.missing("Debian's python3-sentry-sdk is not installed for /usr/bin/python3 "
                    + "(apt-get install python3-sentry-sdk)");
        }
        Project issues = project(admin, "python-issues", false);
        Path script = SentryClients.SOURCE.resolve("python-client.py").toAbsolutePath();
        String out = SentryClients.run(Path.of("."), 120, scenario("/usr/bin/python3", script.toString(), issues,
                "billing@1.9.0", "staging", "issues").toArray(String[]::new));
        assertThat(out).contains("\"sent\": 3");
        assertIssues(BLOOP, issues, "python", "billing@1.9.0", "staging", "ValueError", "ArithmeticError",
                "python says hello");
        Project quota = project(admin, "python-quota", true);
        SentryClients.run(Path.of("."), 120, scenario("/usr/bin/python3", script.toString(), quota, "billing@1.9.0",
                "staging", "quota").toArray(String[]::new));
        assertQuotaHonoured(BLOOP, quota);
    }

    @Test
    void debiansRubySdkSendsEnvelopes() throws Exception {
        NpmTestProject.Result check = SentryClients.tryRun(Path.of("."), 60, "ruby", "-e",
                "require 'sentry-ruby'; print Sentry::VERSION");
        if (check == null || check.exit() != 0) {
            SentryClients.missing("Debian's ruby-sentry-ruby is not installed (apt-get install ruby-sentry-ruby)");
        }
        Project issues = project(admin, "ruby-issues", false);
        Path script = SentryClients.SOURCE.resolve("ruby-client.rb").toAbsolutePath();
        SentryClients.run(Path.of("."), 120, scenario("ruby", script.toString(), issues, "api@5.3.0", "production",
                "issues").toArray(String[]::new));
        assertIssues(BLOOP, issues, "ruby", "api@5.3.0", "production", "CartError", "RefundError", "ruby says hello");
        Project quota = project(admin, "ruby-quota", true);
        SentryClients.run(Path.of("."), 120, scenario("ruby", script.toString(), quota, "api@5.3.0", "production",
                "quota").toArray(String[]::new));
        assertQuotaHonoured(BLOOP, quota);
    }

    private static void checkout(int cart) {
        throw new IllegalStateException("cart " + cart + " has no items");
    }

    private static void refund(int order) {
        throw new ArithmeticException("refund of order " + order + " exceeds the payment");
    }

    /** The Java SDK in this JVM, its global hooks off so that it cannot touch the other tests. */
    private static void withSentryJava(Project p, Runnable work) {
        Sentry.init(options -> {
            options.setDsn(p.dsn());
            options.setRelease("orders@8.0.0");
            options.setEnvironment("production");
            options.setEnableUncaughtExceptionHandler(false);
            options.setEnableShutdownHook(false);
            options.setSendClientReports(false);
            options.addInAppInclude("dev.bloop.service.sentry");
        });
        try {
            work.run();
        } finally {
            Sentry.close();
        }
    }

    @Test
    void sentryJavaReportsIssuesAndHonoursRateLimits() throws Exception {
        Project issues = project(admin, "java-issues", false);
        withSentryJava(issues, () -> {
            for (int cart : new int[] {17, 42}) {
                try {
                    checkout(cart);
                } catch (IllegalStateException e) {
                    Sentry.captureException(e);
                }
                Sentry.flush(5000);
            }
            try {
                refund(7);
            } catch (ArithmeticException e) {
                Sentry.captureException(e);
            }
            Sentry.captureMessage("java says hello");
            Sentry.flush(5000);
        });
        assertIssues(BLOOP, issues, "java", "orders@8.0.0", "production", "IllegalStateException",
                "ArithmeticException", "java says hello");
        assertThat(BLOOP.count("SELECT count(*) FROM error_groups WHERE project_id = '" + issues.id()
                + "' AND grouping_frame LIKE 'at dev.bloop.service.sentry.RealSentrySdksIT.checkout(%'"))
                .as("the app's own frame groups").isEqualTo(1);

        Project quota = project(admin, "java-quota", true);
        withSentryJava(quota, () -> {
            for (int i = 0; i < 4; i++) {
                try {
                    checkout(100 + i);
                } catch (IllegalStateException e) {
                    Sentry.captureException(e);
                }
                Sentry.flush(5000);
            }
        });
        assertQuotaHonoured(BLOOP, quota);
    }
}
