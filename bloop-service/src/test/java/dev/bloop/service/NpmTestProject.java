package dev.bloop.service;

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
 * A pinned npm project of real client libraries under {@code src/test/<name>} (package.json and its
 * committed lock file), installed with {@code npm ci} into {@code target/<name>} once per test run and
 * again only when the lock file changes. A missing or too old Node skips the test with the reason,
 * unless {@code BLOOP_REQUIRE_SDK_TOOLCHAINS=1} (CI) makes it a failure.
 */
public final class NpmTestProject {
    private final Path source;
    private final Path work;
    private final int minMajor;
    private final int minMinor;
    private final String usedBy;
    private final String marker;
    private boolean installed;

    /**
     * @param name   the folder under src/test (and target)
     * @param usedBy who needs it, for the skip message ("the OTLP exporter tests")
     * @param marker a package whose folder under node_modules says the project is installed
     */
    public NpmTestProject(String name, int minMajor, int minMinor, String usedBy, String marker) {
        this.source = Path.of("src", "test", name);
        this.work = Path.of("target", name);
        this.minMajor = minMajor;
        this.minMinor = minMinor;
        this.usedBy = usedBy;
        this.marker = marker;
    }

    public Path source() {
        return source;
    }

    /** Skips (or, in CI, fails) with the reason. */
    public static void missing(String reason) {
        if ("1".equals(System.getenv("BLOOP_REQUIRE_SDK_TOOLCHAINS"))) {
            throw new IllegalStateException(reason + " (required: BLOOP_REQUIRE_SDK_TOOLCHAINS=1)");
        }
        Assumptions.abort(reason);
    }

    /** The installed project's folder. */
    public synchronized Path install() throws Exception {
        String needs = minMajor + "." + minMinor + "+";
        Result node = tryRun(Path.of("."), 30, "node", "--version");
        if (node == null || node.exit() != 0) {
            missing("node is not installed: " + usedBy + " need Node " + needs + " and npm");
        }
        String[] v = node.out().strip().replace("v", "").split("\\.");
        int major = Integer.parseInt(v[0]);
        int minor = Integer.parseInt(v[1]);
        if (major < minMajor || (major == minMajor && minor < minMinor)) {
            missing("node " + node.out().strip() + " is too old for " + usedBy + " (needs " + needs + ")");
        }
        Result npm = tryRun(Path.of("."), 30, "npm", "--version");
        if (npm == null || npm.exit() != 0) {
            missing("npm is not installed: " + usedBy + " install their packages with npm ci");
        }
        Files.createDirectories(work);
        boolean changed = false;
        for (String f : List.of("package.json", "package-lock.json")) {
            Path target = work.resolve(f);
            byte[] wanted = Files.readAllBytes(source.resolve(f));
            if (!Files.exists(target) || !Arrays.equals(Files.readAllBytes(target), wanted)) {
                Files.write(target, wanted);
                changed = true;
            }
        }
        try (var files = Files.list(source)) {
            for (Path f : files.toList()) {
                Files.copy(f, work.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        if (!installed && (changed || !Files.isDirectory(work.resolve("node_modules").resolve(marker)))) {
            run(work, 600, "npm", "ci", "--no-audit", "--no-fund", "--loglevel=error");
        }
        installed = true;
        return work;
    }

    /** A process's exit code and what it printed. */
    public record Result(int exit, String out, String err) {
    }

    /** Runs a command and fails the test unless it exits 0; returns its standard output. */
    public static String run(Path dir, int timeoutSecs, String... command) throws Exception {
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
    public static Result tryRun(Path dir, int timeoutSecs, String... command) throws Exception {
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
