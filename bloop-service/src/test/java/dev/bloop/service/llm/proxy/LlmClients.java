package dev.bloop.service.llm.proxy;

import dev.bloop.service.NpmTestProject;
import java.nio.file.Path;

/**
 * The official OpenAI and Anthropic JavaScript clients, from the pinned npm project in
 * {@code src/test/llm-clients} (see {@link NpmTestProject}).
 */
final class LlmClients {
    private static final NpmTestProject PROJECT = new NpmTestProject("llm-clients", 18, 0, "the openai and @anthropic-ai/sdk tests", "openai");
    static final Path SOURCE = PROJECT.source();

    private LlmClients() {
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
