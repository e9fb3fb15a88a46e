package dev.bloop.service.web;

import dev.bloop.api.ApiError;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Error answers in the API's one shape, {@code {"error": "...", "field": "..."}}. */
public final class JsonResponses {
    private JsonResponses() {
    }

    public static Response error(int status, String message, String field) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(new ApiError(message, field)).build();
    }

    public static Response notFound(String message) {
        return error(404, message, null);
    }

    public static Response badRequest(String message, String field) {
        return error(400, message, field);
    }
}
