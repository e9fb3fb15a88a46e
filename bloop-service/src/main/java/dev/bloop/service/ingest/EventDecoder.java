package dev.bloop.service.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NumericNode;
import com.fasterxml.jackson.databind.node.ValueNode;
import dev.bloop.api.IngestEvent;
import dev.bloop.api.EventBatch;
import java.util.List;

/**
 * Strict JSON decoding of ingest bodies: unknown fields, duplicate keys, and type coercions
 * (a number where a string belongs, "123" for a timestamp) are rejected with the field named,
 * because a silently coerced field groups and filters wrongly later. So are bodies that are not
 * valid UTF-8 (Jackson would decode an overlong {@code C0 AF} as {@code /}) and numbers too large
 * for a double (Jackson would keep {@code 1e999999999} as Infinity, stored as {@code "Infinity"}).
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
        return StrictBodies.read(eventReader, body, length);
    }

    /**
     * The whole batch bound in one pass, or null when anything in it does not bind; the caller then
     * takes the slower per-element path, which reports each problem by index. Valid traffic, the
     * common case, is decoded once instead of as a tree and then again per element.
     */
    List<IngestEvent> wholeBatch(byte[] body, int length) {
        EventBatch batch = StrictBodies.readOrNull(batchReader, body, length);
        if (batch == null || batch.events() == null || batch.events().contains(null)) {
            return null;
        }
        return batch.events();
    }

    /** The raw elements of {@code {"events": [...]}}; each is decoded on its own so errors stay per index. */
    List<JsonNode> batch(byte[] body, int length, int maxEvents) throws InvalidEvent {
        return StrictBodies.items(mapper, body, length, "events", maxEvents);
    }

    IngestEvent element(JsonNode node) throws InvalidEvent {
        return StrictBodies.element(eventReader, node, "event");
    }


    /** Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF. */
    static final class Utf8 {
        private Utf8() {
        }

        /** The offset of the first byte of an invalid sequence, or -1; ASCII bodies cost one pass. */
        static int firstInvalid(byte[] b, int length) {
            int i = 0;
            while (i < length) {
                int c = b[i] & 0xff;
                if (c < 0x80) {
                    i++;
                    continue;
                }
                int n;
                int lo = 0x80;
                int hi = 0xbf;
                if (c >= 0xc2 && c <= 0xdf) {
                    n = 1;
                } else if (c >= 0xe0 && c <= 0xef) {
                    n = 2;
                    lo = c == 0xe0 ? 0xa0 : 0x80; // E0 80..9F would be overlong
                    hi = c == 0xed ? 0x9f : 0xbf; // ED A0..BF would be a surrogate
                } else if (c >= 0xf0 && c <= 0xf4) {
                    n = 3;
                    lo = c == 0xf0 ? 0x90 : 0x80; // F0 80..8F would be overlong
                    hi = c == 0xf4 ? 0x8f : 0xbf; // above F4 8F: beyond U+10FFFF
                } else {
                    return i; // a continuation byte first, C0/C1 (always overlong), or F5..FF
                }
                if (i + n >= length) { // cut short by the end of the body
                    return i;
                }
                int second = b[i + 1] & 0xff;
                if (second < lo || second > hi) {
                    return i;
                }
                for (int k = 2; k <= n; k++) {
                    if ((b[i + k] & 0xc0) != 0x80) {
                        return i;
                    }
                }
                i += n + 1;
            }
            return -1;
        }
    }

    /** Numbers in free-form JSON (metadata) must fit a double: 1e999999999 is refused, not kept as Infinity. */
    static final class FiniteNumbers extends JsonNodeFactory {
        private static final long serialVersionUID = 1L;
        static final String MESSAGE = "a number in the body is out of range (too large for a double)";

        static final class OutOfRange extends RuntimeException {
            private static final long serialVersionUID = 1L;

            OutOfRange() {
                super(MESSAGE, null, false, false);
            }
        }

        @Override
        public NumericNode numberNode(double v) {
            if (!Double.isFinite(v)) {
                throw new OutOfRange();
            }
            return super.numberNode(v);
        }

        @Override
        public ValueNode numberNode(Double value) {
            if (value != null && !Double.isFinite(value)) {
                throw new OutOfRange();
            }
            return super.numberNode(value);
        }

        @Override
        public NumericNode numberNode(float v) {
            if (!Float.isFinite(v)) {
                throw new OutOfRange();
            }
            return super.numberNode(v);
        }

        @Override
        public ValueNode numberNode(Float value) {
            if (value != null && !Float.isFinite(value)) {
                throw new OutOfRange();
            }
            return super.numberNode(value);
        }
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
