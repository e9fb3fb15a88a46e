package dev.bloop.service.sentry;

import dev.bloop.service.NpmTestProject;
import java.nio.file.Path;

/**
 * The real Sentry SDKs the tests point at bloop: the npm ones from the pinned test project in
 * {@code src/test/sentry-clients}, Debian's Python and Ruby SDKs (see {@link NpmTestProject}).
 */
final class SentryClients {
    private static final NpmTestProject PROJECT = new NpmTestProject("sentry-clients", 20, 19, "the @sentry/node and @sentry/browser tests", "@sentry/node");
    static final Path SOURCE = PROJECT.source();

    private SentryClients() {
    }

    static void missing(String reason) {
        NpmTestProject.missing(reason);
    }

    /** The npm test project, installed from its lock file (once per test run). */
    static Path npmProject() throws Exception {
        return PROJECT.install();
    }

    static String run(Path dir, int timeoutSecs, String... command) throws Exception {
        return NpmTestProject.run(dir, timeoutSecs, command);
    }

    static NpmTestProject.Result tryRun(Path dir, int timeoutSecs, String... command) throws Exception {
        return NpmTestProject.tryRun(dir, timeoutSecs, command);
    }
}
