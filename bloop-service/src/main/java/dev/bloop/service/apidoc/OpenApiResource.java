package dev.bloop.service.apidoc;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.models.OpenAPI;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.LinkedHashSet;
import java.util.Set;
import org.glassfish.jersey.server.ResourceConfig;

/**
 * {@code GET /openapi.json} (and {@code /openapi.yaml}): the API's OpenAPI 3.1 document, built on the
 * first request from every resource Jersey serves, so resources that bundles and modules register
 * appear without a list to keep.
 */
@Path("/")
public final class OpenApiResource {
    private final ResourceConfig jersey;
    private final String version;
    /** The document as JSON and as YAML, built once (a few seconds of class loading the first time). */
    private volatile String[] document;

    public OpenApiResource(ResourceConfig jersey, String version) {
        this.jersey = jersey;
        this.version = version;
    }

    @GET
    @Path("openapi.json")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "This document, as JSON")
    public String json() {
        return document()[0];
    }

    @GET
    @Path("openapi.yaml")
    @Produces("application/yaml")
    @Operation(summary = "This document, as YAML")
    public String yaml() {
        return document()[1];
    }

    private String[] document() {
        String[] d = document;
        if (d == null) {
            synchronized (this) {
                if (document == null) {
                    OpenAPI api = OpenApiDocument.build(resources(jersey), version);
                    document = new String[] {OpenApiDocument.json(api), OpenApiDocument.yaml(api)};
                }
                d = document;
            }
        }
        return d;
    }

    /** The classes of every registered resource, and the described servlet routes. */
    public static Set<Class<?>> resources(ResourceConfig jersey) {
        Set<Class<?>> out = new LinkedHashSet<>(jersey.getClasses());
        jersey.getInstances().forEach(i -> out.add(i.getClass()));
        out.addAll(ServletRoutes.described(jersey));
        return out;
    }
}
