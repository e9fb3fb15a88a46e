package dev.bloop.service.apidoc;

import com.fasterxml.jackson.annotation.JsonView;
import dev.bloop.api.Page;
import dev.bloop.service.access.Audience;
import io.dropwizard.auth.Auth;
import io.swagger.v3.jaxrs2.ResolvedParameter;
import io.swagger.v3.jaxrs2.ext.AbstractOpenAPIExtension;
import io.swagger.v3.jaxrs2.ext.OpenAPIExtension;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.PathParam;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What swagger cannot see in a resource method, added to its operation: who may call it (from its
 * {@link Audience}: Bearer token with the scope, session cookie, admins only), the error answers in
 * the API's one shape, {@code X-Total-Count} on routes that answer a {@link Page}, an operation id and
 * a tag from the resource's name. {@code @Auth} parameters are not part of the request. Registered as
 * a swagger extension through {@code META-INF/services}, so every resource gets it without a list.
 */
public final class ApiDecorator extends AbstractOpenAPIExtension {
    static final String ERROR = "#/components/schemas/ApiError";
    static final String SCOPE_ERROR = "#/components/schemas/MissingScope";

    @Override
    public ResolvedParameter extractParameters(List<Annotation> annotations, Type type, Set<Type> typesToSkip,
                                               Components components, Consumes classConsumes,
                                               Consumes methodConsumes, boolean includeRequestBody,
                                               JsonView jsonViewAnnotation, Iterator<OpenAPIExtension> chain) {
        if (annotations.stream().anyMatch(a -> a instanceof Auth)) {
            return new ResolvedParameter(); // the authenticated caller, not a parameter
        }
        return super.extractParameters(annotations, type, typesToSkip, components, classConsumes, methodConsumes,
                includeRequestBody, jsonViewAnnotation, chain);
    }

    @Override
    public void decorateOperation(Operation operation, Method method, Iterator<OpenAPIExtension> chain) {
        Class<?> resource = method.getDeclaringClass();
        String name = resourceName(resource);
        operation.setOperationId(name + Character.toUpperCase(method.getName().charAt(0)) + method.getName().substring(1));
        if (operation.getTags() == null || operation.getTags().isEmpty()) {
            operation.addTagsItem(tag(name));
        }
        ApiResponses responses = operation.getResponses() == null ? new ApiResponses() : operation.getResponses();
        operation.setResponses(responses);
        ApiResponse fallback = responses.remove("default");
        if (fallback != null && responses.keySet().stream().noneMatch(k -> k.startsWith("2"))) {
            if (fallback.getContent() == null || fallback.getContent().isEmpty()) {
                responses.addApiResponse("204", fallback.description("done, nothing to answer"));
            } else {
                responses.addApiResponse("200", fallback.description("OK"));
            }
        }
        if (Page.class.equals(method.getReturnType()) && responses.get("200") != null) {
            responses.get("200").description("one page, as a JSON array").addHeaderObject(Page.TOTAL_COUNT,
                    new Header().description("the number of matches over all pages (use limit and offset to page)")
                            .schema(new Schema<Long>().type("integer").format("int64")));
        }
        boolean hasInput = method.getParameterCount() > 0 && Arrays.stream(method.getParameterAnnotations())
                .anyMatch(as -> Arrays.stream(as).noneMatch(a -> a instanceof Auth));
        if (hasInput) {
            error(responses, "400", "invalid input: the message says what, `field` names the field or parameter", ERROR);
        }
        Audience audience = Audience.of(resource, method);
        if (audience instanceof Audience.Scoped s) {
            operation.addSecurityItem(new SecurityRequirement().addList(OpenApiDocument.BEARER, s.scope().wire()));
            operation.addSecurityItem(new SecurityRequirement().addList(OpenApiDocument.SESSION));
            error(responses, "401", "no, or an unknown, revoked or expired, token or session", ERROR);
            error(responses, "403", "the token lacks the scope " + s.scope().wire() + " (`scope` names it), or a "
                    + "session's change came from another site", SCOPE_ERROR);
        } else if (audience instanceof Audience.People p) {
            operation.addSecurityItem(new SecurityRequirement().addList(OpenApiDocument.SESSION));
            error(responses, "401", "not signed in: no, or an expired, session", ERROR);
            error(responses, "403", p.adminOnly() ? "not an admin (API tokens cannot use this route)"
                    : "API tokens cannot use this route: it needs a dashboard session", ERROR);
            String who = p.adminOnly() ? "Admins only (dashboard session)." : "People only (dashboard session).";
            operation.setDescription(operation.getDescription() == null ? who : who + " " + operation.getDescription());
        } else if (operation.getSecurity() == null) {
            operation.setSecurity(List.of()); // public
        }
        boolean hasPath = Arrays.stream(method.getParameterAnnotations()).flatMap(Arrays::stream)
                .anyMatch(a -> a instanceof PathParam);
        if (hasPath || audience != null) {
            error(responses, "404", "not found, or not in the caller's project (never says which)", ERROR);
        }
        if (chain.hasNext()) {
            chain.next().decorateOperation(operation, method, chain);
        }
    }

    private static void error(ApiResponses responses, String code, String description, String schema) {
        if (responses.get(code) == null) {
            responses.addApiResponse(code, new ApiResponse().description(description).content(new Content()
                    .addMediaType(jakarta.ws.rs.core.MediaType.APPLICATION_JSON, new MediaType()
                            .schema(new Schema<>().$ref(schema)))));
        }
    }

    /** {@code ProjectsResource} → {@code projects}; {@code IngestRoutes} → {@code ingest}. */
    static String resourceName(Class<?> resource) {
        String n = resource.getSimpleName().replaceFirst("(Resource|Routes)$", "");
        return Character.toLowerCase(n.charAt(0)) + n.substring(1);
    }

    private static String tag(String name) {
        return name.replaceAll("([A-Z])", " $1").toLowerCase(Locale.ROOT);
    }
}
