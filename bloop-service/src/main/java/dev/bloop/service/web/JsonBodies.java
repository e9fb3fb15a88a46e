package dev.bloop.service.web;

import com.fasterxml.jackson.databind.JsonNode;

/** Reading fields of small JSON request bodies, with 400s that name the field. */
public final class JsonBodies {
    private JsonBodies() {
    }

    /** A string field, or null when absent or null; 400 when the body is not an object or the field not a string. */
    public static String text(JsonNode body, String field) {
        JsonNode v = field(body, field);
        if (v == null) {
            return null;
        }
        if (!v.isTextual()) {
            throw ApiProblem.badRequest(field + " must be a string", field);
        }
        return v.asText();
    }

    /** A boolean field, or null when absent or null. */
    public static Boolean bool(JsonNode body, String field) {
        JsonNode v = field(body, field);
        if (v == null) {
            return null;
        }
        if (!v.isBoolean()) {
            throw ApiProblem.badRequest(field + " must be true or false", field);
        }
        return v.booleanValue();
    }

    /** The field's node, or null when absent or JSON null. */
    public static JsonNode field(JsonNode body, String field) {
        if (body == null || !body.isObject()) {
            throw ApiProblem.badRequest("request body must be a JSON object", null);
        }
        JsonNode v = body.get(field);
        return v == null || v.isNull() ? null : v;
    }
}
