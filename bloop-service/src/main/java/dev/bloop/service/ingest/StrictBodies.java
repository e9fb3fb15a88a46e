package dev.bloop.service.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Signed bodies (error events, LLM traces) decoded the same strict way, with the same refusals: not UTF-8,
 * empty, not a JSON object, a number too large for a double, or a binding problem named by field. Read with a
 * reader of {@link JsonProblems#strictMapper()}.
 */
public final class StrictBodies {
    private StrictBodies() {
    }

    /** One object of the reader's type from the whole body. */
    public static <T> T read(ObjectReader reader, byte[] body, int length) throws InvalidEvent {
        requireObject(body, length);
        try {
            return reader.readValue(body, 0, length);
        } catch (JsonProcessingException e) {
            throw JsonProblems.describe(e);
        } catch (IOException e) {
            throw new InvalidEvent("unreadable body", null);
        } catch (EventDecoder.FiniteNumbers.OutOfRange e) {
            throw new InvalidEvent(EventDecoder.FiniteNumbers.MESSAGE, null);
        }
    }

    /** The whole body bound in one pass, or null when anything in it does not bind (the caller then takes a
     * slower path that names the problem). */
    public static <T> T readOrNull(ObjectReader reader, byte[] body, int length) {
        try {
            return reader.readValue(body, 0, length);
        } catch (IOException | EventDecoder.FiniteNumbers.OutOfRange e) {
            return null;
        }
    }

    /** One element of a batch, already parsed, as the reader's type ({@code noun}: "event", "trace"). */
    public static <T> T element(ObjectReader reader, JsonNode node, String noun) throws InvalidEvent {
        if (!node.isObject()) {
            throw new InvalidEvent("each " + noun + " must be a JSON object", null);
        }
        try {
            return reader.readValue(node);
        } catch (JsonProcessingException e) {
            throw JsonProblems.describe(e);
        } catch (IOException e) {
            throw new InvalidEvent("unreadable " + noun, null);
        }
    }

    /**
     * The raw elements of {@code {"<field>": [...]}} (no other field, at most {@code max}); each is decoded on
     * its own later, so that problems are reported by index.
     */
    public static List<JsonNode> items(ObjectMapper mapper, byte[] body, int length, String field, int max)
            throws InvalidEvent {
        requireObject(body, length);
        JsonNode root;
        try {
            root = mapper.readTree(mapper.getFactory().createParser(body, 0, length));
        } catch (JsonProcessingException e) {
            throw JsonProblems.describe(e);
        } catch (IOException e) {
            throw new InvalidEvent("unreadable body", null);
        } catch (EventDecoder.FiniteNumbers.OutOfRange e) {
            throw new InvalidEvent(EventDecoder.FiniteNumbers.MESSAGE, null);
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!name.equals(field)) {
                throw new InvalidEvent("unknown field '" + name + "'", name);
            }
        }
        JsonNode items = root.get(field);
        if (items == null || items.isNull()) {
            throw new InvalidEvent(field + " is required", field);
        }
        if (!items.isArray()) {
            throw new InvalidEvent(field + " must be an array", field);
        }
        if (items.size() > max) {
            throw new InvalidEvent("batch exceeds max size of " + max + " " + field, field);
        }
        List<JsonNode> out = new ArrayList<>(items.size());
        items.forEach(out::add);
        return out;
    }

    /** Refuses bodies that are not UTF-8, empty, or not a JSON object before the binder sees them. */
    static void requireObject(byte[] body, int length) throws InvalidEvent {
        int bad = EventDecoder.Utf8.firstInvalid(body, length);
        if (bad >= 0) {
            throw new InvalidEvent("the body is not valid UTF-8: an invalid or overlong byte sequence at byte " + bad,
                    null);
        }
        for (int i = 0; i < length; i++) {
            byte b = body[i];
            if (b == ' ' || b == '\t' || b == '\r' || b == '\n') {
                continue;
            }
            if (b == '{') {
                return;
            }
            throw new InvalidEvent("request body must be a JSON object", null);
        }
        throw new InvalidEvent("request body is empty", null);
    }
}
