package dev.bloop.service.llm.exchange;

import dev.bloop.service.Core;
import dev.bloop.service.apidoc.ServletRoutes;
import dev.bloop.service.ingest.IngestDoor;
import dev.bloop.service.llm.TraceIntake;
import io.dropwizard.core.setup.Environment;

/**
 * Traces in and out of other tools: OTLP/HTTP import ({@code /v1/otlp/v1/traces},
 * {@code /v1/llm/export/otlp}) into the LLM trace path, and LangSmith export
 * ({@code /v1/llm/export/langsmith}). Wired by the LLM tracing module only while it is on.
 */
public final class Exchange {
    private Exchange() {
    }

    public static void wire(Core core, Environment env, TraceIntake intake) {
        int cap = intake.config().getOtlpMaxBodyBytes();
        IngestDoor door = core.ingest().door(intake.queue(), cap, "llm.otlp", "traces", core.json(), core.metrics());
        OtlpMapping mapping = new OtlpMapping(core.json(), intake.config().getMaxSpansPerTrace(),
                intake.config().getMaxMetadataBytes());
        var servlet = env.servlets().addServlet("llm-otlp", new OtlpImportServlet(door, intake, core.tokens(),
                core.projectKeys(), mapping, core.json()));
        servlet.setAsyncSupported(true);
        servlet.addMapping("/v1/otlp/v1/traces", "/v1/llm/export/otlp");
        ServletRoutes.describe(env, OtlpRoutes.class);
        env.jersey().register(new LangSmithResource(new LangSmithRuns(core.db().reader(), core.json(), intake),
                core.json()));
    }
}
