package dev.bloop.service.analytics;

import dev.bloop.service.BloopConfiguration;
import dev.bloop.service.Core;
import dev.bloop.service.store.Database;
import io.dropwizard.core.ConfiguredBundle;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.lifecycle.ServerLifecycleListener;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.component.LifeCycle;

/**
 * The optional analytics module as a Dropwizard bundle. Off ({@code analytics.enabled: false}): one
 * resource that answers every analytics route with a 404 saying how to turn it on, and nothing of
 * DuckDB is loaded. On: the analytics routes and a health check; DuckDB opens once the server has
 * started (the core's database exists only after the application's run) and closes as the server
 * begins to stop, before the core's database does.
 *
 * <p>It gets the core's store in {@link #wire}, since bundles run before the application builds it.
 */
public final class AnalyticsBundle implements ConfiguredBundle<BloopConfiguration>, Core.Module {
    private AnalyticsModule module;

    @Override
    public void run(BloopConfiguration configuration, Environment env) {
        AnalyticsConfig config = configuration.getAnalytics();
        if (!config.isEnabled()) {
            env.jersey().register(new AnalyticsOffResource());
            return;
        }
        AnalyticsModule m = new AnalyticsModule(config, System::currentTimeMillis, env.metrics());
        this.module = m;
        env.jersey().register(new AnalyticsResource(m));
        env.healthChecks().register("analytics", m.healthCheck());
        env.lifecycle().addEventListener(new LifeCycle.Listener() {
            @Override
            public void lifeCycleStopping(LifeCycle event) {
                m.stop();
            }
        });
    }

    @Override
    public void wire(Core core, Environment env) {
        AnalyticsModule m = module;
        if (m == null) {
            return;
        }
        Database db = core.db();
        env.lifecycle().addServerLifecycleListener(new ServerLifecycleListener() {
            @Override
            public void serverStarted(Server server) {
                m.start(db);
            }
        });
    }
}
