package dev.bloop.service.sentry;

import dev.bloop.service.BloopConfiguration;
import dev.bloop.service.Core;
import dev.bloop.service.project.Project;
import io.dropwizard.core.ConfiguredBundle;
import io.dropwizard.core.setup.Environment;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.gzip.GzipHandler;
import org.eclipse.jetty.util.component.LifeCycle;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The optional Sentry-compatible ingest ({@code sentry.enabled}): any Sentry SDK sends to bloop by
 * its DSN. Switched on, it serves {@code /api/{project_id}/envelope/} and {@code /store/} through the
 * core's ingest path and adds each project's DSN to its details; switched off, {@code /api/*}
 * answers 404 with a sentence saying how to turn it on, and nothing else of it is loaded.
 */
public final class SentryBundle implements ConfiguredBundle<BloopConfiguration>, Core.Module {
    static final String OFF = "Sentry-compatible ingest is switched off: set sentry.enabled: true in config.yml "
            + "(or BLOOP__SENTRY__ENABLED=true) and restart bloop";

    /** Dropwizard's name for the connectors of the application's port (the admin port's are "admin"). */
    private static final String APPLICATION_CONNECTOR = "application";

    private SentryConfig config;

    @Override
    public void run(BloopConfiguration configuration, Environment environment) {
        this.config = configuration.getSentry();
        if (!config.isEnabled()) {
            environment.servlets().addServlet("sentry-off", new Off()).addMapping("/api/*");
        }
    }

    @Override
    public void wire(Core core, Environment env) {
        if (config == null || !config.isEnabled()) {
            return;
        }
        SentryIngest ingest = new SentryIngest(core.gate(), core.projectKeys(), core.releaseHealth(), config,
                env.metrics());
        // In front of the servlets, so that envelopes skip their filter chain (SentryHandler says why).
        env.getApplicationContext().insertHandler(new SentryHandler(ingest, core.gate(), core.projectKeys(),
                env.getObjectMapper(), config));
        dev.bloop.service.apidoc.ServletRoutes.describe(env, SentryRoutes.class);
        // Jetty would inflate gzip request bodies itself, out of reach of the caps on compressed and
        // decompressed size: here SentryHandler decompresses, counting both.
        env.lifecycle().addEventListener(new LifeCycle.Listener() {
            @Override
            public void lifeCycleStarting(LifeCycle event) {
                if (event instanceof Server server) {
                    server.getDescendants(GzipHandler.class).forEach(g -> g.addExcludedInflationPaths("/api/*"));
                    // Before the server starts: Jetty reads the handler tree's invocation type once, then.
                    server.setHandler(new SelectorLane(server.getHandler(), Arrays.stream(server.getConnectors())
                            .filter(c -> APPLICATION_CONNECTOR.equals(c.getName())).collect(Collectors.toSet())));
                }
            }
        });
        core.projectDetails().add((project, base, details) -> details.withSentry(project.sentryKey(),
                dsn(project, config.getPublicUrl().isEmpty() ? base : URI.create(config.getPublicUrl()))));
    }

    /** {@code scheme://<sentry key>@host[:port][/path]/<number>}, or null without a base URL. */
    static String dsn(Project p, URI base) {
        if (base == null || p.sentryKey() == null) {
            return null;
        }
        String path = base.getRawPath() == null ? "" : base.getRawPath();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return base.getScheme() + "://" + p.sentryKey() + "@" + base.getHost()
                + (base.getPort() < 0 ? "" : ":" + base.getPort()) + path + "/" + p.numericId();
    }

    /** {@code /api/*} while the module is off. */
    private static final class Off extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            dev.bloop.service.ingest.IngestDoor.discardOrClose(req, resp);
            byte[] body = ("{\"error\":\"" + OFF + "\"}").getBytes(StandardCharsets.UTF_8);
            resp.setStatus(404);
            resp.setHeader("Access-Control-Allow-Origin", "*");
            resp.setContentType("application/json");
            resp.setContentLength(body.length);
            resp.getOutputStream().write(body);
        }
    }
}
