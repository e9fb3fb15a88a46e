package dev.bloop.service.store;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Whether the database currently takes writes. Set by whoever meets an environmental write failure
 * (the event writer first of all), cleared by the next write that succeeds. Ingest reads it to
 * answer 503 at once instead of filling a queue that cannot drain; {@code /health} reports it.
 * Transitions are returned so that callers log once per change, not once per retry.
 */
public final class WriteHealth {
    /** A failing state: what failed and since when (epoch ms). */
    public record Failing(StorageFailure failure, long since, String detail) {
    }

    private final AtomicReference<Failing> failing = new AtomicReference<>();

    /** Records a failure; true when this turned a healthy store into a failing one. */
    public boolean failed(StorageFailure failure, String detail) {
        Failing now = new Failing(failure, System.currentTimeMillis(), detail);
        Failing before = failing.getAndUpdate(f -> f == null || f.failure() != failure ? now : f);
        return before == null;
    }

    /** Records a successful write; the failing state it ended, if any. */
    public Optional<Failing> succeeded() {
        if (failing.get() == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(failing.getAndSet(null));
    }

    public boolean isFailing() {
        return failing.get() != null;
    }

    public Optional<Failing> current() {
        return Optional.ofNullable(failing.get());
    }
}
