package dev.bloop.service.apidoc;

import io.dropwizard.core.setup.Environment;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Routes served by servlets beside Jersey (signed ingest and the like) have no resource for the
 * OpenAPI document to read. Whoever registers such a servlet describes its routes as a JAX-RS
 * interface (the same {@code @Path}, {@code @POST}, records and swagger annotations a resource would
 * carry, never implemented) and hands it here; the document reads it like a resource.
 */
public final class ServletRoutes {
    static final String PROPERTY = "bloop.openapi.servlet-routes";

    private ServletRoutes() {
    }

    /** Adds the described routes of a servlet the application (or an enabled module) registered. */
    @SuppressWarnings("unchecked")
    public static void describe(Environment env, Class<?> description) {
        var config = env.jersey().getResourceConfig();
        Object existing = config.getProperty(PROPERTY);
        Set<Class<?>> all = existing instanceof Set<?> s ? (Set<Class<?>>) s : new LinkedHashSet<>();
        all.add(description);
        config.property(PROPERTY, all);
    }

    @SuppressWarnings("unchecked")
    static Set<Class<?>> described(org.glassfish.jersey.server.ResourceConfig config) {
        Object existing = config.getProperty(PROPERTY);
        return existing instanceof Set<?> s ? (Set<Class<?>>) s : Set.of();
    }
}
