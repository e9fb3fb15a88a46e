package dev.bloop.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.File;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's shell examples, run as a reader would run them, in order, in one shell, against a
 * started server: every fenced {@code bash} block that talks to {@code localhost:5332} (not the ones
 * that start servers, build, or manage systemd). {@code bin/bloop} is the same main class on the test
 * class path; Slack and webhook addresses are pointed at a receiver on 127.0.0.1. Every HTTP call
 * must succeed (curl fails on any 4xx/5xx), and an answer shown in a comment right after a call must
 * match what the server answers, so the README cannot drift from the product.
 */
class ReadmeExamplesIT {
    private static final Pattern BLOCK = Pattern.compile("```bash\\n(.*?)```", Pattern.DOTALL);
    private static final String QUICK_START_SECRET = "change-me-in-production";

    static List<String> runnableBlocks(String readme) {
        List<String> blocks = new ArrayList<>();
        Matcher m = BLOCK.matcher(readme);
        while (m.find()) {
            String b = m.group(1);
            if (b.contains("localhost:5332") && !b.contains("systemctl") && !b.contains("bloop server")
                    && !b.contains("mvn ")) {
                blocks.add(b);
            }
        }
        return blocks;
    }

    @Test
    void everyShellExampleInTheReadmeWorksAgainstARealServer() throws Exception {
        Path repo = Path.of("..").toAbsolutePath().normalize();
        String readme = Files.readString(repo.resolve("README.md"));
        List<String> blocks = runnableBlocks(readme);
        assertThat(blocks).as("README shell examples that talk to a server").hasSizeGreaterThanOrEqualTo(3);

        AtomicInteger hooks = new AtomicInteger();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", exchange -> {
            hooks.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
        Path dir = Files.createTempDirectory("bloop-readme");
        Files.copy(repo.resolve("config.yml"), dir.resolve("config.yml"));
        Files.createDirectories(dir.resolve("dist"));
        Files.copy(Path.of("src/test/resources/sourcemaps/app.min.js.map"), dir.resolve("dist/app.3f2a.js.map"));
        try (ChildServer server = ChildServer.start(Files.createDirectories(dir.resolve("server")), QUICK_START_SECRET,
                // The shipped config.yml turns LLM tracing and analytics on; the child server's minimal config does not.
                Map.of("BLOOP__ALERTING__ALLOW_PRIVATE_TARGETS", "true", "BLOOP__LLM_TRACING__ENABLED", "true",
                        "BLOOP__ANALYTICS__ENABLED", "true"))) {
            String hook = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
            StringBuilder script = new StringBuilder();
            script.append("set -euo pipefail\n")
                    .append("curl() { command curl --silent --show-error --fail-with-body \"$@\"; echo; }\n")
                    .append("bloop() { java -cp \"$BLOOP_CP\" ").append(BloopApplication.class.getName())
                    .append(" \"$@\" 2>/dev/null; }\n");
            for (int i = 0; i < blocks.size(); i++) {
                String b = blocks.get(i)
                        .replace("localhost:5332", "127.0.0.1:" + server.port)
                        .replaceAll("https://hooks\\.slack\\.com/[^\"' ]*", hook)
                        .replaceAll("https://[a-z0-9.-]+\\.example\\.com/[^\"' ]*", hook)
                        .replace("bin/bloop ", "bloop ");
                script.append("echo '=== block ").append(i).append("'\n").append(b).append('\n');
            }
            Files.writeString(dir.resolve("readme.sh"), script.toString());
            ProcessBuilder pb = new ProcessBuilder("bash", "readme.sh").directory(dir.toFile()).redirectErrorStream(true);
            pb.environment().put("BLOOP_CP", System.getProperty("java.class.path"));
            pb.environment().put("BLOOP__DATABASE__PATH", server.db.toString());
            pb.environment().put("BLOOP__AUTH__HMAC_SECRET", QUICK_START_SECRET);
            pb.environment().put("PATH", System.getProperty("java.home") + File.separator + "bin" + File.pathSeparator
                    + System.getenv("PATH"));
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as("README examples failed; their output:\n" + out + "\nserver log:\n"
                    + server.log()).isZero();
            for (String shown : shownAnswers(readme)) {
                assertThat(out).as("an answer shown in the README").contains(shown);
            }
        } finally {
            receiver.stop(0);
            TempDirs.deleteQuietly(dir);
        }
    }

    /**
     * Fragments of answers the README shows in comments that must appear verbatim in the real output:
     * the {@code "key":value} pairs of the quick start's answers, which do not vary between servers.
     */
    static List<String> shownAnswers(String readme) {
        List<String> shown = new ArrayList<>();
        Matcher m = Pattern.compile("# \\{\"status\":\"accepted\",\"fingerprint\":\"([0-9a-f]{16})\"\\}").matcher(readme);
        while (m.find()) {
            shown.add("\"fingerprint\":\"" + m.group(1) + "\"");
        }
        if (readme.contains("# {\"accepted\":2,\"errors\":[]}")) {
            shown.add("{\"accepted\":2,\"errors\":[]}");
        }
        return shown;
    }
}
