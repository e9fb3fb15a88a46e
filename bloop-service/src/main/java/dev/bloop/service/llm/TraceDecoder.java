package dev.bloop.service.llm;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.bloop.api.llm.TraceBatch;
import dev.bloop.api.llm.TraceIn;
import dev.bloop.api.llm.TraceUpdate;
import dev.bloop.service.ingest.InvalidEvent;
import dev.bloop.service.ingest.JsonProblems;
import dev.bloop.service.ingest.StrictBodies;
import java.util.List;

/**
 * Strict JSON decoding of trace ingest bodies (the same rules as error events): unknown fields,
 * duplicate keys and type coercions are refused with the field named.
 */
final class TraceDecoder {
    private final JsonMapper mapper = strict();
    private final ObjectReader traceReader = mapper.readerFor(TraceIn.class);
    private final ObjectReader batchReader = mapper.readerFor(TraceBatch.class);
    private final ObjectReader updateReader = mapper.readerFor(TraceUpdate.class);

    private static JsonMapper strict() {
        JsonMapper m = JsonProblems.strictMapper();
        // Costs are decimals: 0.0025 must stay 0.0025, also when read through a tree.
        m.enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
        return m;
    }

    JsonMapper mapper() {
        return mapper;
    }

    TraceIn single(byte[] body, int length) throws InvalidEvent {
        return StrictBodies.read(traceReader, body, length);
    }

    TraceUpdate update(byte[] body, int length) throws InvalidEvent {
        return StrictBodies.read(updateReader, body, length);
    }

    /**
     * The whole batch bound in one pass, or null when anything in it does not bind; the caller then
     * takes the per-element path, which reports each problem by index.
     */
    List<TraceIn> wholeBatch(byte[] body, int length) {
        TraceBatch batch = StrictBodies.readOrNull(batchReader, body, length);
        if (batch == null || batch.traces() == null || batch.traces().contains(null)) {
            return null;
        }
        return batch.traces();
    }

    /** The elements of {@code {"traces": [...]}}, each decoded on its own later so that errors stay per index. */
    List<JsonNode> batch(byte[] body, int length, int maxTraces) throws InvalidEvent {
        return StrictBodies.items(mapper, body, length, "traces", maxTraces);
    }

    TraceIn element(JsonNode node) throws InvalidEvent {
        return StrictBodies.element(traceReader, node, "trace");
    }

}
