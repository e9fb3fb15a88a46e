package dev.bloop.service.llm.exchange;

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
 * The real OpenTelemetry OTLP exporters and the langsmith package the exchange tests use: the pinned
 * npm project in {@code src/test/llm-exchange-clients}, installed with {@code npm ci} into
 * {@code target/llm-exchange-clients}. A missing toolchain skips the test with the reason, unless
 * {@code BLOOP_REQUIRE_SDK_TOOLCHAINS=1} (CI) makes it a failure.
 */
final class ExchangeClients {
    static final Path SOURCE = Path.of("src", "test", "llm-exchange-clients");
    static final Path WORK = Path.of("target", "llm-exchange-clients");
    /** The OpenTelemetry JS 2.x/3.x packages declare Node 18.19 as their oldest; langsmith the same. */
    private static final int[] MIN_NODE = {18, 19};
    private static boolean installed;

    private ExchangeClients() {
    }

    /** Skips (or, in CI, fails) with the reason. */
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
            missing("node is not installed: the OTLP exporter and langsmith tests need Node " + MIN_NODE[0] + "."
                    + MIN_NODE[1] + "+ and npm");
        }
        String[] v = node.out().strip().replace("v", "").split("\\.");
        int major = Integer.parseInt(v[0]);
        int minor = Integer.parseInt(v[1]);
        if (major < MIN_NODE[0] || (major == MIN_NODE[0] && minor < MIN_NODE[1])) {
            missing("node " + node.out().strip() + " is too old for the OpenTelemetry JS exporters (needs " + MIN_NODE[0] + "."
                    + MIN_NODE[1] + "+)");
        }
        Result npm = tryRun(Path.of("."), 30, "npm", "--version");
        if (npm == null || npm.exit() != 0) {
            missing("npm is not installed: the OTLP exporter and langsmith tests install them with npm ci");
        }
        Files.createDirectories(WORK);
        boolean changed = false;
        for (String f : List.of("package.json", "package-lock.json")) {
            Path target = WORK.resolve(f);
            byte[] wanted = Files.readAllBytes(SOURCE.resolve(f));
            if (!Files.exists(target) || !Arrays.equals(Files.readAllBytes(target), wanted)) {
                Files.write(target, wanted);
                changed = true;
            }
        }
        try (var files = Files.list(SOURCE)) {
            for (Path f : files.toList()) {
                Files.copy(f, WORK.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        if (!installed && (changed || !Files.isDirectory(WORK.resolve("node_modules/langsmith")))) {
            run(WORK, 600, "npm", "ci", "--no-audit", "--no-fund", "--loglevel=error");
        }
        installed = true;
        return WORK;
    }

    /** A process's exit code and what it printed. */
    record Result(int exit, String out, String err) {
    }

    /** Runs a command and fails the test unless it exits 0; returns its standard output. */
    static String run(Path dir, int timeoutSecs, String... command) throws Exception {
        Result r = tryRun(dir, timeoutSecs, command);
        if (r == null) {
            throw new AssertionError("cannot run " + command[0]);
        }
        if (r.exit() != 0) {
            throw new AssertionError(String.join(" ", command) + " exited " + r.exit() + "\nstdout: " + r.out()
                    + "\nstderr: " + r.err());
        }
        return r.out();
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
