package dev.bloop.service.llm.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The official OpenAI and Anthropic JavaScript clients, from the pinned test project in
 * {@code src/test/llm-clients} (installed with {@code npm ci} into {@code target/llm-clients}). Without
 * Node the tests are skipped with the reason, unless {@code BLOOP_REQUIRE_SDK_TOOLCHAINS=1} (CI) makes
 * that a failure. Built like the Sentry tests' {@code SentryClients}.
 */
final class LlmClients {
    static final Path SOURCE = Path.of("src", "test", "llm-clients");
    static final Path WORK = Path.of("target", "llm-clients");
    /** openai 6 and @anthropic-ai/sdk 1 declare Node 18 as their oldest; 20 is what CI runs. */
    private static final int MIN_NODE = 18;
    private static boolean installed;

    private LlmClients() {
    }

    static void missing(String reason) {
        if ("1".equals(System.getenv("BLOOP_REQUIRE_SDK_TOOLCHAINS"))) {
            throw new IllegalStateException(reason + " (required: BLOOP_REQUIRE_SDK_TOOLCHAINS=1)");
        }
        Assumptions.abort(reason);
    }

    /** The npm test project, installed from its lock file (once per test run). */
    static synchronized Path npmProject() throws Exception {
        Result node = tryRun(Path.of("."), 30, "node", "--version");
        if (node == null || node.exit() != 0) {
            missing("node is not installed: the openai and @anthropic-ai/sdk tests need Node " + MIN_NODE + "+ and npm");
        }
        int major = Integer.parseInt(node.out().strip().replace("v", "").split("\\.")[0]);
        if (major < MIN_NODE) {
            missing("node " + node.out().strip() + " is too old for openai 6 (needs " + MIN_NODE + "+)");
        }
        Result npm = tryRun(Path.of("."), 30, "npm", "--version");
        if (npm == null || npm.exit() != 0) {
            missing("npm is not installed: the LLM client tests install the clients with npm ci");
        }
        Files.createDirectories(WORK);
        boolean changed = false;
        try (var files = Files.list(SOURCE)) {
            for (Path f : files.toList()) {
                Path target = WORK.resolve(f.getFileName());
                byte[] wanted = Files.readAllBytes(f);
                if (f.getFileName().toString().startsWith("package")
                        && (!Files.exists(target) || !Arrays.equals(Files.readAllBytes(target), wanted))) {
                    changed = true;
                }
                Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        if (!installed && (changed || !Files.isDirectory(WORK.resolve("node_modules/openai")))) {
            Result r = tryRun(WORK, 600, "npm", "ci", "--no-audit", "--no-fund", "--loglevel=error");
            if (r == null || r.exit() != 0) {
                throw new AssertionError("npm ci failed: " + (r == null ? "" : r.err()));
            }
        }
        installed = true;
        return WORK;
    }

    record Result(int exit, String out, String err) {
    }

    /** Null when the program does not exist. */
    static Result tryRun(Path dir, int timeoutSecs, String... command) throws Exception {
        Process p;
        try {
            p = new ProcessBuilder(new ArrayList<>(List.of(command))).directory(dir.toFile()).start();
        } catch (IOException notFound) {
            return null;
        }
        p.getOutputStream().close();
        CompletableFuture<String> out = drain(p.getInputStream());
        CompletableFuture<String> err = drain(p.getErrorStream());
        if (!p.waitFor(timeoutSecs, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish within " + timeoutSecs + " s\n"
                    + "stderr: " + err.getNow(""));
        }
        return new Result(p.exitValue(), out.get(10, TimeUnit.SECONDS), err.get(10, TimeUnit.SECONDS));
    }

    private static CompletableFuture<String> drain(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        });
    }
}
