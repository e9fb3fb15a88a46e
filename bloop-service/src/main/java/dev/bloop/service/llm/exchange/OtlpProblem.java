package dev.bloop.service.llm.exchange;

/** A request the OTLP import cannot take: 400 with the reason, and the part of the body it is about. */
final class OtlpProblem extends Exception {
    private static final long serialVersionUID = 1L;
    private final String field;

    OtlpProblem(String message, String field) {
        super(message, null, false, false);
        this.field = field;
    }

    String field() {
        return field;
    }
}
