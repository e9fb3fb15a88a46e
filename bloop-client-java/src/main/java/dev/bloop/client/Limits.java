package dev.bloop.client;

/** The server's caps, enforced before sending so that an event is never refused for its size. */
final class Limits {
    static final int MAX_MESSAGE_BYTES = 2_048;
    static final int MAX_STACK_BYTES = 8_192;
    static final int MAX_METADATA_BYTES = 4_096;
    static final int MAX_FINGERPRINT_CHARS = 256;
    static final int MAX_BODY_BYTES = 32_768;
    static final int MAX_BATCH_EVENTS = 50;
    /** {@code {"events":[]}} and the commas between events. */
    static final int ENVELOPE_BYTES = 16;

    private Limits() {
    }
}
