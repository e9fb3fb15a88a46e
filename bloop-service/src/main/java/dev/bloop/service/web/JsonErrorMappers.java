package dev.bloop.service.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.bloop.api.ApiError;
import io.dropwizard.jersey.validation.JerseyViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import org.glassfish.jersey.server.ResourceConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Every Jersey error as {@code {"error": "..."}}; internal failures are logged, never described. */
public final class JsonErrorMappers {
    private static final Logger LOG = LoggerFactory.getLogger(JsonErrorMappers.class);

    private JsonErrorMappers() {
    }

    public static void register(ResourceConfig jersey) {
        jersey.register(new WebApplicationMapper());
        jersey.register(new JsonMapper());
        jersey.register(new ViolationMapper());
        jersey.register(new FallbackMapper());
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
            String message = e.getMessage() == null ? Response.Status.fromStatusCode(status).getReasonPhrase()
                    : e.getMessage().replaceFirst("^HTTP \\d+ ", "").toLowerCase(java.util.Locale.ROOT);
            Response.ResponseBuilder b = Response.fromResponse(e.getResponse()).type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(ApiError.of(message));
            return b.build();
        }
    }

    static final class JsonMapper implements ExceptionMapper<JsonProcessingException> {
        @Override
        public Response toResponse(JsonProcessingException e) {
            return json(400, ApiError.of("malformed JSON: " + e.getOriginalMessage()));
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
