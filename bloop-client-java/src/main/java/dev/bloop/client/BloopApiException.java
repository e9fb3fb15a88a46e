package dev.bloop.client;

/** The query API answered with an error: its status, message and, when given, the field or scope at fault. */
public final class BloopApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final String field;

    BloopApiException(int status, String message, String field) {
        super(status + ": " + message);
        this.status = status;
        this.field = field;
    }

    public int status() {
        return status;
    }

    /** The parameter, field or scope the server named, or null. */
    public String field() {
        return field;
    }
}
