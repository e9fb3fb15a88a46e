package dev.bloop.service.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bloop.api.Signatures;
import dev.bloop.service.BloopApplication;
import dev.bloop.service.BloopTestApp;
import java.io.File;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The real thing: bloop in its own JVM, events sent while the writer holds them (a long flush
 * interval), then SIGTERM. The process must exit on its own, and the database file, reopened
 * afterwards, must hold every acknowledged event.
 */
class SigtermDrainIT {
    private static final String SECRET = "sigterm-secret-0123456789";

    @Test
    void sigtermCommitsEveryAcknowledgedEventBeforeExit() throws Exception {
        Path dir = Files.createTempDirectory("bloop-sigterm");
        Path db = dir.resolve("bloop.db");
        Path config = dir.resolve("config.yml");
        Files.writeString(config, "logging:\n  level: WARN\n");
        int port = freePort();
        ProcessBuilder pb = new ProcessBuilder(javaBin(), "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                BloopApplication.class.getName(), "server", config.toString());
        pb.environment().put("BLOOP__SERVER__PORT", Integer.toString(port));
        pb.environment().put("BLOOP__SERVER__ADMIN_PORT", Integer.toString(freePort()));
        pb.environment().put("BLOOP__SERVER__HOST", "127.0.0.1");
        pb.environment().put("BLOOP__DATABASE__PATH", db.toString());
        pb.environment().put("BLOOP__AUTH__HMAC_SECRET", SECRET);
        // Nothing is committed before the stop unless the drain does it.
        pb.environment().put("BLOOP__PIPELINE__FLUSH_INTERVAL", "60s");
        pb.environment().put("BLOOP__PIPELINE__FLUSH_BATCH_SIZE", "10000");
        pb.redirectErrorStream(true).redirectOutput(dir.resolve("server.log").toFile());
        Process server = pb.start();
        try {
            HttpClient http = HttpClient.newHttpClient();
            awaitHealthy(http, port, server);
            List<String> bodies = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                List<String> events = new ArrayList<>();
                for (int j = 0; j < 25; j++) {
                    events.add(BloopTestApp.event("drain " + i + "-" + j));
                }
                bodies.add("{\"events\":[" + String.join(",", events) + "]}");
            }
            int acknowledged = 0;
            for (String body : bodies) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/ingest/batch"))
                        .header("Content-Type", "application/json")
                        .header("X-Signature", Signatures.sign(SECRET, body))
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).isEqualTo(200);
                acknowledged += 25;
            }
            assertThat(BloopTestApp.count(db, "SELECT count(*) FROM raw_events")).as("nothing flushed yet").isZero();

            server.destroy(); // SIGTERM
            assertThat(server.waitFor(60, TimeUnit.SECONDS)).as("process exits after SIGTERM").isTrue();

            assertThat(BloopTestApp.count(db, "SELECT count(*) FROM raw_events")).isEqualTo(acknowledged);
            assertThat(BloopTestApp.count(db, "SELECT sum(total_count) FROM error_groups")).isEqualTo(acknowledged);
        } finally {
            server.destroyForcibly();
        }
    }

    private static void awaitHealthy(HttpClient http, int port, Process server) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            assertThat(server.isAlive()).as("server process is running").isTrue();
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (java.io.IOException notYet) {
                // still starting
            }
            Thread.sleep(100);
        }
        throw new AssertionError("server did not start within 60 s");
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String javaBin() {
        return System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    }
}
