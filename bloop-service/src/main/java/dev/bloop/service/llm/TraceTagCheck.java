package dev.bloop.service.llm;

import dev.bloop.service.ingest.InvalidEvent;

/**
 * Checks, at ingest, that a trace's {@code experiment} and {@code variant} name an experiment of its
 * project and one of that experiment's variants (the experiments feature plugs in here); a trace
 * that names neither is not checked.
 */
@FunctionalInterface
public interface TraceTagCheck {
    TraceTagCheck NONE = (projectId, experiment, variant) -> { };

    /** Throws naming the field ({@code experiment} or {@code variant}) when the trace's tags are unknown. */
    void check(String projectId, String experiment, String variant) throws InvalidEvent;
}
