package dev.bloop.service.ingest;

/** A client error in an ingest body (events, traces): the message and, where there is one, the field at fault. */
public final class InvalidEvent extends Exception {
    private final String field;

    public InvalidEvent(String message, String field) {
        super(message, null, false, false);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
