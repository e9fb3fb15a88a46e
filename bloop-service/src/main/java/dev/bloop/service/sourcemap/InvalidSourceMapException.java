package dev.bloop.service.sourcemap;

/** An upload that is not a usable Source Map v3; the message says why. */
final class InvalidSourceMapException extends Exception {
    private static final long serialVersionUID = 1L;

    InvalidSourceMapException(String message) {
        super(message, null, false, false);
    }
}
