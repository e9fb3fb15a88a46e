package dev.bloop.service.web;

import dev.bloop.api.ApiError;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * A refusal already in the API's error shape ({@code {"error": "...", "field": "..."}}), thrown from
 * resources and filters; {@link JsonErrorMappers} passes it through untouched.
 */
public final class ApiProblem extends WebApplicationException {
    private static final long serialVersionUID = 1L;

    public ApiProblem(int status, String message, String field) {
        super(message, null, Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new ApiError(message, field)).build());
    }

    public static ApiProblem badRequest(String message, String field) {
        return new ApiProblem(400, message, field);
    }

    public static ApiProblem notFound(String message, String field) {
        return new ApiProblem(404, message, field);
    }

    public static ApiProblem forbidden(String message) {
        return new ApiProblem(403, message, null);
    }
}
