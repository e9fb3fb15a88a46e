package dev.bloop.service.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.bloop.api.IngestEvent;
import dev.bloop.api.EventBatch;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Strict JSON decoding of ingest bodies: unknown fields, duplicate keys, and type coercions
 * (a number where a string belongs, "123" for a timestamp) are rejected with the field named,
 * because a silently coerced field groups and filters wrongly later.
 */
final class EventDecoder {
    private final ObjectMapper mapper;
    private final ObjectReader eventReader;
    private final ObjectReader batchReader;

    EventDecoder() {
        JsonMapper m = JsonProblems.strictMapper();
        this.mapper = m;
        this.eventReader = m.readerFor(IngestEvent.class);
        this.batchReader = m.readerFor(EventBatch.class);
    }

    ObjectMapper mapper() {
        return mapper;
    }

    IngestEvent single(byte[] body, int length) throws InvalidEvent {
        requireObject(body, length);
        try {
            return eventReader.readValue(body, 0, length);
        } catch (JsonProcessingException e) {
            throw JsonProblems.describe(e);
        } catch (IOException e) {
            throw new InvalidEvent("unreadable body", null);
        }
    }

    /**
     * The whole batch bound in one pass, or null when anything in it does not bind; the caller then
     * takes the slower per-element path, which reports each problem by index. Valid traffic, the
     * common case, is decoded once instead of as a tree and then again per element.
     */
    List<IngestEvent> wholeBatch(byte[] body, int length) {
        try {
            EventBatch batch = batchReader.readValue(body, 0, length);
            if (batch == null || batch.events() == null || batch.events().contains(null)) {
                return null;
            }
            return batch.events();
        } catch (IOException e) {
            return null;
        }
    }

    /** The raw elements of {@code {"events": [...]}}; each is decoded on its own so errors stay per index. */
    List<JsonNode> batch(byte[] body, int length, int maxEvents) throws InvalidEvent {
        requireObject(body, length);
        JsonNode root;
        try {
            root = mapper.readTree(mapper.getFactory().createParser(body, 0, length));
        } catch (JsonProcessingException e) {
            throw JsonProblems.describe(e);
        } catch (IOException e) {
            throw new InvalidEvent("unreadable body", null);
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!name.equals("events")) {
                throw new InvalidEvent("unknown field '" + name + "'", name);
            }
        }
        JsonNode events = root.get("events");
        if (events == null || events.isNull()) {
            throw new InvalidEvent("events is required", "events");
        }
        if (!events.isArray()) {
            throw new InvalidEvent("events must be an array", "events");
        }
        if (events.size() > maxEvents) {
            throw new InvalidEvent("batch exceeds max size of " + maxEvents + " events", "events");
        }
        List<JsonNode> out = new ArrayList<>(events.size());
        events.forEach(out::add);
        return out;
    }

    IngestEvent element(JsonNode node) throws InvalidEvent {
        if (!node.isObject()) {
            throw new InvalidEvent("each event must be a JSON object", null);
        }
        try {
            return eventReader.readValue(node);
        } catch (JsonProcessingException e) {
            throw JsonProblems.describe(e);
        } catch (IOException e) {
            throw new InvalidEvent("unreadable event", null);
        }
    }

    /** Rejects empty bodies and non-object JSON before the binder gives a vaguer message. */
    private static void requireObject(byte[] body, int length) throws InvalidEvent {
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

    static boolean isJsonContentType(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semi = contentType.indexOf(';');
        String mime = (semi < 0 ? contentType : contentType.substring(0, semi)).trim();
        return mime.equalsIgnoreCase("application/json");
    }
}
