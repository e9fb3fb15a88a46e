package dev.bloop.service.errors;

import dev.bloop.api.ApiError;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;

/** A query parameter out of range or of the wrong type: 400 naming the parameter. */
public final class BadParameterException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String parameter;

    BadParameterException(String parameter, String message) {
        super(message, null, false, false);
        this.parameter = parameter;
    }

    String parameter() {
        return parameter;
    }

    public static final class Mapper implements ExceptionMapper<BadParameterException> {
        @Override
        public Response toResponse(BadParameterException e) {
            return Response.status(Response.Status.BAD_REQUEST).type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(new ApiError(e.getMessage(), e.parameter)).build();
        }
    }
}
