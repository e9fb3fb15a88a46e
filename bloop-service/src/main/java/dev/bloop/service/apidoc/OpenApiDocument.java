package dev.bloop.service.apidoc;

import dev.bloop.api.ApiError;
import io.swagger.v3.core.converter.ModelConverters;
import io.swagger.v3.core.util.Json31;
import io.swagger.v3.core.util.Yaml31;
import io.swagger.v3.jaxrs2.Reader;
import io.swagger.v3.oas.integration.SwaggerConfiguration;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Paths;
import io.swagger.v3.oas.models.SpecVersion;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.servers.Server;
import jakarta.ws.rs.Path;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The OpenAPI 3.1 document of the API, read from the JAX-RS resources (and the described servlet
 * routes) by swagger: paths, parameters, the records bodies are made of with their validation rules,
 * who may call each route ({@link ApiDecorator}), the error shape and paging header.
 */
public final class OpenApiDocument {
    static final String BEARER = "bearer";
    static final String SESSION = "session";
    static final String HMAC = "hmac";

    static {
        for (boolean openApi31 : new boolean[] {false, true}) {
            ModelConverters converters = ModelConverters.getInstance(openApi31);
            if (converters.getConverters().stream().noneMatch(PageConverter.class::isInstance)) {
                converters.addConverter(new PageConverter());
            }
        }
    }

    private OpenApiDocument() {
    }

    /** The document for these resource classes (anything without {@code @Path} is left out). */
    public static OpenAPI build(Collection<Class<?>> resources, String version) {
        Set<Class<?>> classes = new LinkedHashSet<>();
        resources.stream().filter(c -> c.isAnnotationPresent(Path.class))
                .sorted(Comparator.comparing(Class::getName)).forEach(classes::add);
        OpenAPI base = new OpenAPI(SpecVersion.V31)
                .info(new Info().title("bloop").version(version).description(DESCRIPTION))
                .servers(List.of(new Server().url("/").description("this server")))
                .components(new Components()
                        .addSecuritySchemes(BEARER, new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")
                                .bearerFormat("bloop_tk_...")
                                .description("An API token (`bloop create-token`, or POST /v1/tokens from a session), "
                                        + "bound to one project. The scopes a route needs are listed in its security "
                                        + "requirement: errors:read, errors:write, alerts:read, alerts:write, "
                                        + "sourcemaps:read, sourcemaps:write, llm:read, llm:write."))
                        .addSecuritySchemes(SESSION, new SecurityScheme().type(SecurityScheme.Type.APIKEY)
                                .in(SecurityScheme.In.COOKIE).name("bloop_session")
                                .description("The dashboard's session cookie (passkey sign-in under /auth). A "
                                        + "session holds every scope and acts on the project named by the "
                                        + "`project_id` query parameter (id or slug; default: `default`, else the "
                                        + "user's oldest project). A request that changes data must carry an "
                                        + "allowed Origin header or the session's X-CSRF-Token header."))
                        .addSecuritySchemes(HMAC, new SecurityScheme().type(SecurityScheme.Type.APIKEY)
                                .in(SecurityScheme.In.HEADER).name("X-Signature")
                                .description("Hex HMAC-SHA256 of the exact body bytes, keyed with the project's "
                                        + "ingest secret (with X-Project-Key: <ingest key>) or auth.hmac_secret "
                                        + "(without it: the default project)."))
                        .addSchemas("MissingScope", new ObjectSchema()
                                .description("403 for a token without the route's scope")
                                .addProperty("error", new StringSchema()).addProperty("scope", new StringSchema()
                                        .description("the scope the route needs, e.g. errors:write"))
                                .required(List.of("error", "scope"))));
        SwaggerConfiguration config = new SwaggerConfiguration().openAPI(base).openAPI31(true).sortOutput(true)
                .readAllResources(true);
        OpenAPI api = new Reader(config).read(classes);
        Map<String, Schema> error = ModelConverters.getInstance(true).readAll(ApiError.class);
        error.forEach(api.getComponents()::addSchemas);
        api.getComponents().getSchemas().get("ApiError").description("The API's one error shape: `error` says "
                + "what went wrong, `field` names the field, parameter or header at fault when there is one.");
        Paths sorted = new Paths();
        new TreeMap<>(api.getPaths()).forEach(sorted::addPathItem);
        api.setPaths(sorted);
        api.getComponents().setSchemas(new TreeMap<>(api.getComponents().getSchemas()));
        return api;
    }

    public static String json(OpenAPI api) {
        return Json31.pretty(api);
    }

    public static String yaml(OpenAPI api) {
        return Yaml31.pretty(api);
    }

    private static final String DESCRIPTION = """
            Self-hosted error observability. Apps send HMAC-signed events to /v1/ingest; bloop groups them \
            into issues (error groups) you query and triage with an API token or a dashboard session.

            - **Auth**: signed ingest (`hmac`), API tokens (`bearer`, bound to one project, with scopes) and \
            the dashboard session cookie (`session`). Each operation lists which it accepts.
            - **Errors**: every 4xx/5xx answers `{"error": "...", "field": "..."}` (`field` when one is at \
            fault); a missing scope answers `{"error": "...", "scope": "..."}`. Unknown body fields and values \
            of the wrong JSON type are refused with a 400 naming the field.
            - **Lists** answer a JSON array and the total number of matches in `X-Total-Count`; page with \
            `limit` and `offset`.
            - **Times** are epoch milliseconds; JSON names are snake_case.
            """;
}
