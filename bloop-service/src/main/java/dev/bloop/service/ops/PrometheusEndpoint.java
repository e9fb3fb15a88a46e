package dev.bloop.service.ops;

import io.dropwizard.core.setup.Environment;
import io.prometheus.metrics.exporter.servlet.jakarta.PrometheusMetricsServlet;
import io.prometheus.metrics.instrumentation.dropwizard.DropwizardExports;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** The Dropwizard metric registry in Prometheus text format at {@code /prometheus} on the admin port. */
public final class PrometheusEndpoint {
    private PrometheusEndpoint() {
    }

    public static void register(Environment env) {
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(new DropwizardExports(env.metrics()));
        env.admin().addServlet("prometheus", new PrometheusMetricsServlet(registry)).addMapping("/prometheus");
    }
}
