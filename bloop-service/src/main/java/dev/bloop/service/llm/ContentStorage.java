package dev.bloop.service.llm;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** How much of prompts and completions a project keeps; applied at ingest, before anything is queued. */
public enum ContentStorage {
    /** Neither input/output nor metadata of traces and spans: names, models, tokens, cost, timing and errors only. */
    NONE("none"),
    /** Metadata, but no input/output. */
    METADATA_ONLY("metadata_only"),
    /** Everything sent. */
    FULL("full");

    private final String wire;

    ContentStorage(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    boolean keepsMetadata() {
        return this != NONE;
    }

    boolean keepsContent() {
        return this == FULL;
    }

    public static Optional<ContentStorage> parse(String s) {
        if (s == null) {
            return Optional.empty();
        }
        String v = s.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(c -> c.wire.equals(v)).findFirst();
    }

    /** For config binding: an unknown value fails start-up naming the key. */
    @JsonCreator
    static ContentStorage fromConfig(String s) {
        return parse(s).orElseThrow(() -> new IllegalArgumentException("must be one of none, metadata_only, full"));
    }
}
