package dev.bloop.service.ingest;

/** A client error in an ingest body: the message and, where there is one, the field at fault. */
final class InvalidEvent extends Exception {
    private final String field;

    InvalidEvent(String message, String field) {
        super(message, null, false, false);
        this.field = field;
    }

    String field() {
        return field;
    }
}
