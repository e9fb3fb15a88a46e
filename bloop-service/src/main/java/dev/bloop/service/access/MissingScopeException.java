package dev.bloop.service.access;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.bloop.service.access.Scope;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;

/** A valid caller without the scope a route needs: 403 naming the scope. */
public final class MissingScopeException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient Scope scope;

    MissingScopeException(Scope scope) {
        super("token lacks required scope: " + scope.wire(), null, false, false);
        this.scope = scope;
    }

    record Body(@JsonProperty("error") String error, @JsonProperty("scope") String scope) {
    }

    /** Maps the exception to {@code 403 {"error": "...", "scope": "errors:read"}}. */
    public static final class Mapper implements ExceptionMapper<MissingScopeException> {
        @Override
        public Response toResponse(MissingScopeException e) {
            return Response.status(Response.Status.FORBIDDEN).type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(new Body(e.getMessage(), e.scope.wire())).build();
        }
    }
}
