package dev.bloop.kotlin.internal

/** The server's caps, applied before sending so that an event is never refused for its size. */
internal object Limits {
    const val MAX_MESSAGE_BYTES = 2_048
    const val MAX_STACK_BYTES = 8_192
    const val MAX_METADATA_BYTES = 4_096
    const val MAX_FINGERPRINT_CHARS = 256
    /** error_type, environment, release and the other short fields (no server cap, but a 32 KB body). */
    const val MAX_SHORT_FIELD_BYTES = 1_024
    const val MAX_BODY_BYTES = 32_768
    const val MAX_BATCH_EVENTS = 50
    /** `{"events":[` and `]}`. */
    const val ENVELOPE_BYTES = 13
}
