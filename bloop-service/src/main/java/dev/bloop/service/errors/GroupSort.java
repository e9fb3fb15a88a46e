package dev.bloop.service.errors;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The orders the list offers, always newest/largest first. */
enum GroupSort {
    LAST_SEEN("last_seen"), TOTAL_COUNT("total_count"), FIRST_SEEN("first_seen");

    final String wire;

    GroupSort(String wire) {
        this.wire = wire;
    }

    static GroupSort parse(String raw, GroupSort fallback) {
        if (raw == null || raw.isEmpty()) {
            return fallback;
        }
        return Arrays.stream(values()).filter(s -> s.wire.equals(raw.trim())).findFirst()
                .orElseThrow(() -> new BadParameterException("sort", "sort must be one of "
                        + Arrays.stream(values()).map(s -> s.wire).collect(Collectors.joining(", "))));
    }
}
