package dev.bloop.service;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * bloop in a JVM of its own (the test class path, the real main class), for what only a real
 * process shows: SIGTERM, SIGKILL, exit codes. Configured with {@code BLOOP__} variables like an
 * operator would.
 */
public final class ChildServer implements AutoCloseable {
    public final Path dir;
    public final Path db;
    public final int port;
    private final Process process;

    private ChildServer(Path dir, Path db, int port, Process process) {
        this.dir = dir;
        this.db = db;
        this.port = port;
        this.process = process;
    }

    /** Starts the server in {@code dir} (database {@code dir/bloop.db}) and waits until /health answers. */
    public static ChildServer start(Path dir, String secret, Map<String, String> env) throws Exception {
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
        pb.environment().put("BLOOP__AUTH__HMAC_SECRET", secret);
        pb.environment().putAll(env);
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("server.log").toFile()));
        ChildServer server = new ChildServer(dir, db, port, pb.start());
        server.awaitHealthy();
        return server;
    }

    public String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    public Process process() {
        return process;
    }

    public String log() throws IOException {
        return Files.readString(dir.resolve("server.log"));
    }

    private void awaitHealthy() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("server process exited: " + log());
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url("/health"))).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(100);
        }
        throw new AssertionError("server did not start within 60 s");
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        TempDirs.deleteQuietly(dir);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String javaBin() {
        return System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    }
}
