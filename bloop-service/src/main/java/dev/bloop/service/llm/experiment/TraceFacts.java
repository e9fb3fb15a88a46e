package dev.bloop.service.llm.experiment;

import java.util.List;
import org.jdbi.v3.core.Jdbi;

/** The figures of an experiment's traces that a comparison needs, read in one pass. */
final class TraceFacts {

    /**
     * One finished or running trace of the experiment.
     *
     * @param unit      the value of the experiment's unit field (null when the trace lacks it)
     * @param latencyMs ended_at − started_at, or the sum of its generation spans' latencies; null without either
     * @param ttftMs    the time to first token of its first generation that reported one
     */
    record Fact(String variant, String unit, boolean running, boolean error, double costDollars, Double latencyMs,
                Double ttftMs, double outputTokens, long receivedAt) {}

    private final Jdbi reader;

    TraceFacts(Jdbi reader) {
        this.reader = reader;
    }

    /** Every trace of the experiment, through the (project, experiment, variant) index. */
    List<Fact> of(ExperimentDef e) {
        String unitColumn = switch (e.unit()) {
            case "user_id" -> "t.user_id";
            case "session_id" -> "t.session_id";
            default -> "t.id";
        };
        return reader.withHandle(h -> h.createQuery("SELECT t.variant, " + unitColumn + " AS unit, t.status, t.cost_nanos, "
                        + "t.output_tokens, t.received_at, CASE WHEN t.ended_at IS NOT NULL THEN t.ended_at - t.started_at "
                        + "ELSE (SELECT SUM(s.latency_ms) FROM llm_spans s WHERE s.trace_seq = t.seq "
                        + "AND s.span_type = 'generation') END AS latency, "
                        + "(SELECT s.ttft_ms FROM llm_spans s WHERE s.trace_seq = t.seq AND s.ttft_ms IS NOT NULL "
                        + "ORDER BY s.started_at LIMIT 1) AS ttft "
                        + "FROM llm_traces t WHERE t.project_id = :p AND t.experiment = :e AND t.variant IS NOT NULL")
                .bind("p", e.projectId()).bind("e", e.name())
                .map((rs, ctx) -> {
                    long latency = rs.getLong("latency");
                    Double latencyMs = rs.wasNull() ? null : (double) latency;
                    long ttft = rs.getLong("ttft");
                    Double ttftMs = rs.wasNull() ? null : (double) ttft;
                    String status = rs.getString("status");
                    return new Fact(rs.getString("variant"), rs.getString("unit"), "running".equals(status),
                            "error".equals(status), rs.getLong("cost_nanos") / 1e9, latencyMs, ttftMs,
                            rs.getLong("output_tokens"), rs.getLong("received_at"));
                }).list());
    }
}
