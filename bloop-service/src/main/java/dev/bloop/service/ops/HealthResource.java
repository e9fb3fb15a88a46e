package dev.bloop.service.ops;

import dev.bloop.api.Health;
import dev.bloop.service.pipeline.DeadLetters;
import dev.bloop.service.pipeline.EventQueue;
import dev.bloop.service.pipeline.EventWriter;
import dev.bloop.service.store.Database;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/** {@code GET /health}: public, cheap, for load balancers and uptime checks. */
@Path("/health")
@Produces(MediaType.APPLICATION_JSON)
public final class HealthResource {
    private final Database db;
    private final EventQueue queue;
    private final EventWriter writer;
    private final DeadLetters deadLetters;
    private final List<String> warnings;

    public HealthResource(Database db, EventQueue queue, EventWriter writer, DeadLetters deadLetters,
                          List<String> warnings) {
        this.db = db;
        this.queue = queue;
        this.writer = writer;
        this.deadLetters = deadLetters;
        this.warnings = List.copyOf(warnings);
    }

    /** Always 200 so a degraded server still answers; {@code status} says whether it is healthy. */
    @GET
    public Health health() {
        boolean dbOk = db.ping();
        boolean writing = writer.isRunning();
        double usage = Math.round(queue.usage() * 10_000) / 10_000.0;
        var failing = db.writeHealth().current();
        String status = dbOk && writing && failing.isEmpty() && usage < 0.9 ? "ok" : "degraded";
        return new Health(status, dbOk, usage, queue.depth(), queue.capacity(), writing, failing.isEmpty(),
                failing.map(f -> f.failure().reason()).orElse(null), failing.map(f -> f.since()).orElse(null),
                deadLetters.count(), warnings, db.nodes().leading());
    }
}
