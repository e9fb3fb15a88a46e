package dev.bloop.service.ops;

import com.codahale.metrics.health.HealthCheck;
import dev.bloop.service.pipeline.EventQueue;
import dev.bloop.service.pipeline.EventWriter;

/** Admin-port health check: the writer runs and the queue is not close to full. */
public final class PipelineHealthCheck extends HealthCheck {
    private static final double NEARLY_FULL = 0.9;
    private final EventQueue queue;
    private final EventWriter writer;

    public PipelineHealthCheck(EventQueue queue, EventWriter writer) {
        this.queue = queue;
        this.writer = writer;
    }

    @Override
    protected Result check() {
        if (!writer.isRunning()) {
            return Result.unhealthy("writer thread is not running");
        }
        String state = "queue " + queue.depth() + "/" + queue.capacity();
        return queue.usage() >= NEARLY_FULL ? Result.unhealthy(state + " (nearly full)") : Result.healthy(state);
    }
}
