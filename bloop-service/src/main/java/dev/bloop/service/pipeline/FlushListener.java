package dev.bloop.service.pipeline;

/** Told about each committed flush, on the writer thread: must return quickly and never block. */
@FunctionalInterface
public interface FlushListener {
    void flushed(FlushOutcome outcome);
}
