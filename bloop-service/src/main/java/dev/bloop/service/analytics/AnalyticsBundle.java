package dev.bloop.service.analytics;

import dev.bloop.service.BloopConfiguration;
import dev.bloop.service.store.Database;
import io.dropwizard.core.ConfiguredBundle;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.lifecycle.ServerLifecycleListener;
import java.util.function.Supplier;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.component.LifeCycle;

/**
 * The optional analytics module as a Dropwizard bundle. Off ({@code analytics.enabled: false}): one
 * resource that answers every analytics route with a 404 saying how to turn it on, and nothing of
 * DuckDB is loaded. On: the analytics routes and a health check; DuckDB opens once the server has
 * started (the core's database exists only after the application's run) and closes as the server
 * begins to stop, before the core's database does.
 *
 * <p>It takes the core's store through a supplier, since bundles run before the application wires it.
 */
public final class AnalyticsBundle implements ConfiguredBundle<BloopConfiguration> {
    private final Supplier<Database> database;

    public AnalyticsBundle(Supplier<Database> database) {
        this.database = database;
    }

    @Override
    public void run(BloopConfiguration configuration, Environment env) {
        AnalyticsConfig config = configuration.getAnalytics();
        if (!config.isEnabled()) {
            env.jersey().register(new AnalyticsOffResource());
            return;
        }
        AnalyticsModule module = new AnalyticsModule(config, System::currentTimeMillis, env.metrics());
        env.jersey().register(new AnalyticsResource(module));
        env.healthChecks().register("analytics", module.healthCheck());
        env.lifecycle().addServerLifecycleListener(new ServerLifecycleListener() {
            @Override
            public void serverStarted(Server server) {
                module.start(database.get());
            }
        });
        env.lifecycle().addEventListener(new LifeCycle.Listener() {
            @Override
            public void lifeCycleStopping(LifeCycle event) {
                module.stop();
            }
        });
    }
}
