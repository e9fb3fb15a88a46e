package dev.bloop.service.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.bloop.api.ApiError;
import com.fasterxml.jackson.databind.JsonMappingException;
import io.dropwizard.core.server.AbstractServerFactory;
import io.dropwizard.core.server.ServerFactory;
import io.dropwizard.jersey.validation.JerseyViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import org.eclipse.jetty.io.EofException;
import org.glassfish.jersey.server.ResourceConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every Jersey error as {@code {"error": "...", "field": "..."}}; internal failures are logged, never
 * described. Dropwizard's own exception mappers are switched off ({@link #replaceDefaults}): they
 * answer some failures (an {@code IllegalStateException}, say) as {@code {"code", "message"}}.
 */
public final class JsonErrorMappers {
    private static final Logger LOG = LoggerFactory.getLogger(JsonErrorMappers.class);

    private JsonErrorMappers() {
    }

    public static void register(ResourceConfig jersey) {
        jersey.register(new WebApplicationMapper());
        jersey.register(new JsonMapper());
        jersey.register(new ViolationMapper());
        jersey.register(new EarlyEofMapper());
        jersey.register(new FallbackMapper());
    }

    /**
     * Turns off Dropwizard's default exception mappers (the {@code server.registerDefaultExceptionMappers}
     * setting, forced here whatever the server section says), so that ours are the only ones.
     */
    public static void replaceDefaults(ServerFactory server) {
        if (server instanceof AbstractServerFactory factory) {
            factory.setRegisterDefaultExceptionMappers(false);
        }
    }

    static Response json(int status, ApiError error) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(error).build();
    }

    static final class WebApplicationMapper implements ExceptionMapper<WebApplicationException> {
        @Override
        public Response toResponse(WebApplicationException e) {
            int status = e.getResponse().getStatus();
            if (e.getResponse().hasEntity()) {
                return e.getResponse(); // already answered in our shape (e.g. the auth filter's 401)
            }
            if (status >= 500) {
                LOG.error("Request failed", e);
                return json(status, ApiError.of("internal server error"));
            }
            ApiError error = switch (status) {
                case 404 -> ApiError.of("not found: no such route or resource");
                case 405 -> ApiError.of("method not allowed on this route (see the Allow header)");
                case 406 -> new ApiError("not acceptable: this route answers application/json", "Accept");
                case 415 -> new ApiError("unsupported Content-Type: send application/json (source map uploads: "
                        + "multipart/form-data)", "Content-Type");
                default -> ApiError.of(e.getMessage() == null ? Response.Status.fromStatusCode(status).getReasonPhrase()
                        : e.getMessage().replaceFirst("^HTTP \\d+ ", "").toLowerCase(java.util.Locale.ROOT));
            };
            return Response.fromResponse(e.getResponse()).type(MediaType.APPLICATION_JSON_TYPE).entity(error).build();
        }
    }

    static final class JsonMapper implements ExceptionMapper<JsonProcessingException> {
        @Override
        public Response toResponse(JsonProcessingException e) {
            if (e instanceof JsonMappingException m && !(e instanceof com.fasterxml.jackson.core.JsonParseException)
                    && !m.getPath().isEmpty()) {
                String field = m.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName()
                        : "[" + r.getIndex() + "]").collect(java.util.stream.Collectors.joining("."));
                return json(400, new ApiError("field '" + field + "' has a value of the wrong type or shape", field));
            }
            return json(400, ApiError.of(JsonSyntax.describe(e)));
        }
    }

    /** The client stopped sending before the body was complete: its problem, not ours. */
    static final class EarlyEofMapper implements ExceptionMapper<EofException> {
        @Override
        public Response toResponse(EofException e) {
            return json(400, ApiError.of("the request body ended early"));
        }
    }

    static final class ViolationMapper implements ExceptionMapper<JerseyViolationException> {
        @Override
        public Response toResponse(JerseyViolationException e) {
            return json(400, Violations.toError(e.getConstraintViolations()));
        }
    }

    static final class FallbackMapper implements ExceptionMapper<Throwable> {
        @Override
        public Response toResponse(Throwable e) {
            LOG.error("Unhandled error", e);
            return json(500, ApiError.of("internal server error"));
        }
    }
}
