package dev.bloop.service.ingest;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.bloop.service.web.JsonSyntax;
import java.util.List;

/**
 * Turns Jackson's exceptions into short messages that name the field, without echoing input or
 * Jackson's own words (its messages name its classes and features).
 */
final class JsonProblems {
    private JsonProblems() {
    }

    static InvalidEvent describe(JsonProcessingException e) {
        if (e.getCause() instanceof EventDecoder.FiniteNumbers.OutOfRange && e instanceof JsonMappingException m) {
            String field = fieldPath(m.getPath());
            return new InvalidEvent("field '" + field + "' holds a number out of range (too large for a double)", field);
        }
        if (e instanceof JsonMappingException m && m.getCause() instanceof JsonProcessingException inner
                && !(inner instanceof JsonMappingException)) {
            // A syntax error inside a field's value (metadata): say what, and in which field.
            String field = fieldPath(m.getPath());
            return new InvalidEvent(JsonSyntax.describe(inner) + " in field '" + field + "'", field.isEmpty() ? null : field);
        }
        if (e instanceof UnrecognizedPropertyException u) {
            String field = fieldPath(u.getPath());
            return new InvalidEvent("unknown field '" + field + "'", field);
        }
        if (e instanceof MismatchedInputException m && !m.getPath().isEmpty()) {
            String field = fieldPath(m.getPath());
            return new InvalidEvent("field '" + field + "' must be " + expected(m.getTargetType()), field);
        }
        if (e instanceof JsonParseException || e instanceof StreamReadException) {
            return new InvalidEvent(JsonSyntax.describe(e), null);
        }
        if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
            String field = fieldPath(m.getPath());
            return new InvalidEvent("field '" + field + "' has an invalid value", field);
        }
        return new InvalidEvent("malformed JSON body", null);
    }

    private static String fieldPath(List<JsonMappingException.Reference> path) {
        StringBuilder out = new StringBuilder();
        for (JsonMappingException.Reference ref : path) {
            if (ref.getFieldName() != null) {
                if (out.length() > 0) {
                    out.append('.');
                }
                out.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                out.append('[').append(ref.getIndex()).append(']');
            }
        }
        return out.toString();
    }

    private static String expected(Class<?> type) {
        if (type == null) {
            return "of another type";
        }
        if (type == String.class) {
            return "a string";
        }
        if (type == Long.class || type == Integer.class || type == long.class || type == int.class) {
            return "an integer";
        }
        if (List.class.isAssignableFrom(type)) {
            return "an array";
        }
        if (type.isRecord()) {
            return "an object";
        }
        return "of another type";
    }
}
