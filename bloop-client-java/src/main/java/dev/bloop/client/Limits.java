package dev.bloop.client;

import dev.bloop.api.EventBatch;
import dev.bloop.api.IngestEvent;

/** The server's caps (bloop-api's), enforced before sending so that an event is never refused for its size. */
final class Limits {
    static final int MAX_MESSAGE_BYTES = IngestEvent.MAX_MESSAGE_BYTES;
    static final int MAX_STACK_BYTES = IngestEvent.MAX_STACK_BYTES;
    static final int MAX_METADATA_BYTES = IngestEvent.MAX_METADATA_BYTES;
    static final int MAX_FINGERPRINT_CHARS = IngestEvent.MAX_FINGERPRINT_CHARS;
    static final int MAX_BODY_BYTES = IngestEvent.MAX_BODY_BYTES;
    static final int MAX_BATCH_EVENTS = EventBatch.MAX_EVENTS;
    /** {@code {"events":[]}} and the commas between events. */
    static final int ENVELOPE_BYTES = 16;

    private Limits() {
    }
}
