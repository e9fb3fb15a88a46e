package dev.bloop.service.llm.exchange;

import dev.bloop.service.NpmTestProject;
import java.nio.file.Path;

/**
 * The real OpenTelemetry OTLP exporters and the langsmith package the exchange tests use, from the
 * pinned npm project in {@code src/test/llm-exchange-clients} (see {@link NpmTestProject}).
 */
final class ExchangeClients {
    private static final NpmTestProject PROJECT = new NpmTestProject("llm-exchange-clients", 18, 19, "the OTLP exporter and langsmith tests", "langsmith");
    static final Path SOURCE = PROJECT.source();

    private ExchangeClients() {
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
