package dev.bloop.service.llm.eval;

import java.util.Set;

/** Whether a project has a trace, committed or still queued for the LLM writer, and its span ids. */
@FunctionalInterface
public interface TraceLookup {
    /** The trace's span ids, or null when the project has no trace of that id. */
    Set<String> spans(String projectId, String traceId);
}
