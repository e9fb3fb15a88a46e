package dev.bloop.service.web;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.type.LogicalType;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.MessageBodyReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Reads request bodies typed as records of {@code dev.bloop.api} strictly: a field the record does not
 * declare is refused ({@code 400 "unknown field 'x' (expected a, b)"}, naming it), and so is a value
 * of the wrong JSON type ({@code "5"} for a number, {@code 5} for a string, {@code 1} for a boolean):
 * no coercion, no silent defaults. Dropwizard's own mapper is lenient on both, which suits
 * configuration and stored JSON but not a public API. An empty body reads as null (the resource or a
 * {@code @NotNull} says whether that is allowed); malformed JSON goes to the JSON error mapper.
 *
 * <p>Preferred over Jackson's provider for these types because it is declared for {@code Record}, a
 * closer type than Jackson's {@code Object}.
 */
@Consumes(MediaType.APPLICATION_JSON)
public final class TypedBodies implements MessageBodyReader<Record> {
    private static final String API_PACKAGE = "dev.bloop.api";
    private final ObjectMapper strict;

    public TypedBodies(ObjectMapper base) {
        this.strict = strict(base);
    }

    /** A copy of {@code base} that refuses unknown fields, coercions, nulls for primitives and trailing tokens. */
    public static ObjectMapper strict(ObjectMapper base) {
        ObjectMapper m = base.copy()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        for (LogicalType scalar : List.of(LogicalType.Integer, LogicalType.Float, LogicalType.Boolean,
                LogicalType.Textual)) {
            m.coercionConfigFor(scalar)
                    .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
        }
        m.coercionConfigFor(LogicalType.Float).setCoercion(CoercionInputShape.Integer, CoercionAction.TryConvert);
        m.coercionConfigFor(LogicalType.Textual).setCoercion(CoercionInputShape.EmptyString, CoercionAction.TryConvert);
        return m;
    }

    @Override
    public boolean isReadable(Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
        return type.isRecord() && type.getPackageName().startsWith(API_PACKAGE)
                && (mediaType == null || mediaType.isCompatible(MediaType.APPLICATION_JSON_TYPE)
                || mediaType.getSubtype().endsWith("+json"));
    }

    @Override
    public Record readFrom(Class<Record> type, Type genericType, Annotation[] annotations, MediaType mediaType,
                           MultivaluedMap<String, String> headers, InputStream entity) throws IOException {
        PushbackInputStream in = new PushbackInputStream(entity, 1);
        int first = in.read();
        if (first < 0) {
            return null;
        }
        in.unread(first);
        try {
            return strict.readValue(in, strict.constructType(genericType));
        } catch (UnrecognizedPropertyException e) {
            String field = path(e.getPath());
            throw ApiProblem.badRequest("unknown field '" + field + "'" + expected(e.getKnownPropertyIds()), field);
        } catch (MismatchedInputException e) {
            if (e.getPath().isEmpty()) {
                if (e.getOriginalMessage().startsWith("Trailing token")) {
                    throw e; // malformed: the JSON error mapper's words
                }
                throw ApiProblem.badRequest("request body must be a JSON object", null);
            }
            String field = path(e.getPath());
            throw ApiProblem.badRequest(field + " must be " + kind(e.getTargetType()), field);
        } catch (JsonMappingException e) {
            if (e.getPath().isEmpty() || e.getCause() instanceof IOException) {
                throw e;
            }
            String field = path(e.getPath());
            throw ApiProblem.badRequest(field + " has an invalid value", field);
        }
    }

    /** {@code a.b[2].c}, in the JSON names the client sent. */
    static String path(List<JsonMappingException.Reference> path) {
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

    private static String expected(Collection<Object> known) {
        if (known == null || known.isEmpty()) {
            return "";
        }
        return known.stream().map(String::valueOf).sorted().collect(Collectors.joining(", ", " (expected ", ")"));
    }

    private static String kind(Class<?> type) {
        if (type == null) {
            return "of another type";
        }
        if (type == String.class || type.isEnum()) {
            return "a string";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == Long.class || type == Integer.class || type == long.class || type == int.class
                || type == Short.class || type == short.class) {
            return "a whole number";
        }
        if (Number.class.isAssignableFrom(type) || type == double.class || type == float.class) {
            return "a number";
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "a list";
        }
        if (type.isRecord() || Map.class.isAssignableFrom(type)) {
            return "an object";
        }
        return "of another type";
    }
}
