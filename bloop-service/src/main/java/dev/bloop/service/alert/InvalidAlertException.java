package dev.bloop.service.alert;

/** A rule or channel body that cannot be accepted; {@code field} names the part at fault. */
public final class InvalidAlertException extends Exception {
    private static final long serialVersionUID = 1L;
    private final String field;

    public InvalidAlertException(String field, String message) {
        super(message, null, false, false);
        this.field = field;
    }

    String field() {
        return field;
    }
}
