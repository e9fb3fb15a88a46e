package dev.bloop.service.access;

import java.util.Arrays;
import java.util.Optional;

/** What an API token may do; each is enforced on its routes. */
public enum Scope {
    ERRORS_READ("errors:read"),
    ERRORS_WRITE("errors:write"),
    ALERTS_READ("alerts:read"),
    ALERTS_WRITE("alerts:write"),
    SOURCEMAPS_READ("sourcemaps:read"),
    SOURCEMAPS_WRITE("sourcemaps:write"),
    LLM_READ("llm:read"),
    LLM_WRITE("llm:write");

    private final String wire;

    Scope(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public static Optional<Scope> parse(String s) {
        return Arrays.stream(values()).filter(v -> v.wire.equals(s.trim())).findFirst();
    }

    public static java.util.List<String> wireNames() {
        return Arrays.stream(values()).map(Scope::wire).toList();
    }

    @Override
    public String toString() {
        return wire;
    }
}
