package dev.bloop.service.llm.exchange;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bloop.api.llm.LangSmithRun;
import dev.bloop.service.llm.TraceIntake;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/**
 * bloop traces as LangSmith runs: each trace a root {@code chain} run, its spans child runs
 * ({@code generation→llm}, {@code tool→tool}, {@code retrieval→retriever}, {@code custom→chain}),
 * always of one project. Ids are UUIDv5 of the project and the bloop ids, so exporting twice gives the
 * same runs (LangSmith then updates rather than duplicates). Prompts and completions are exported
 * only while the project's content storage keeps them, metadata only while it keeps metadata.
 */
final class LangSmithRuns {
    /** The namespace of bloop's run ids (a UUIDv5 of the URL namespace and "https://bloop.dev/langsmith"). */
    static final UUID NAMESPACE = v5(UUID.fromString("6ba7b811-9dad-11d1-80b4-00c04fd430c8"),
            "https://bloop.dev/langsmith");
    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DOTTED = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSSSSS'Z'")
            .withZone(ZoneOffset.UTC);

    /** One page of runs, with the window's trace count and the cursor after the page. */
    record Page(List<LangSmithRun> runs, int traces, long total, String nextCursor) {
    }

    private final Jdbi reader;
    private final ObjectMapper json;
    private final TraceIntake intake;

    LangSmithRuns(Jdbi reader, ObjectMapper json, TraceIntake intake) {
        this.reader = reader;
        this.json = json;
        this.intake = intake;
    }

    private record TraceRow(long seq, String id, String sessionId, String userId, String name, String status,
                            String input, String output, String metadata, long startedAt, Long endedAt,
                            long costNanos, String promptName, String promptVersion, String experiment,
                            String variant) {
    }

    private record SpanRow(String id, String parent, String type, String name, String model, String provider,
                           String status, String error, long startedAt, Long endedAt, Long latencyMs, Long ttftMs,
                           long uncached, long cacheRead, long write5m, long write1h, long output, long reasoning,
                           Long costNanos, String input, String outputText, String metadata) {
    }

    /**
     * @param beforeSeq the cursor: only traces written before this one (null for the newest)
     */
    Page page(String projectId, int hours, int limit, int offset, Long beforeSeq, long now) {
        long since = now - hours * 3_600_000L;
        long total = reader.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM llm_traces WHERE project_id = :p "
                + "AND received_at >= :since").bind("p", projectId).bind("since", since).mapTo(Long.class).one());
        List<TraceRow> traces = reader.withHandle(h -> h.createQuery("SELECT seq, id, session_id, user_id, name, "
                        + "status, input, output, metadata, started_at, ended_at, cost_nanos, prompt_name, prompt_version, "
                        + "experiment, variant FROM llm_traces "
                        + "WHERE project_id = :p AND received_at >= :since AND seq < :before "
                        + "ORDER BY seq DESC LIMIT :limit OFFSET :offset")
                .bind("p", projectId).bind("since", since).bind("before", beforeSeq == null ? Long.MAX_VALUE : beforeSeq)
                .bind("limit", limit).bind("offset", offset)
                .map((rs, ctx) -> new TraceRow(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9),
                        rs.getLong(10), nullable(rs, 11), rs.getLong(12), rs.getString(13), rs.getString(14),
                        rs.getString(15), rs.getString(16))).list());
        boolean content = intake.keepsContent(projectId);
        boolean metadata = intake.keepsMetadata(projectId);
        List<LangSmithRun> runs = new ArrayList<>();
        for (TraceRow t : traces) {
            runs.addAll(runs(projectId, t, spans(projectId, t.seq()), content, metadata));
        }
        String next = traces.size() == limit ? Long.toString(traces.get(traces.size() - 1).seq()) : null;
        return new Page(runs, traces.size(), total, next);
    }

    private List<SpanRow> spans(String projectId, long seq) {
        return reader.withHandle(h -> h.createQuery("SELECT id, parent_span_id, span_type, name, model, provider, "
                        + "status, error_message, started_at, ended_at, latency_ms, ttft_ms, input_uncached, "
                        + "cache_read, cache_write_5m, cache_write_1h, output_tokens, reasoning_tokens, "
                        + "COALESCE(provided_cost_nanos, computed_cost_nanos), input, output, metadata FROM llm_spans "
                        + "WHERE project_id = :p AND trace_seq = :seq ORDER BY started_at, id")
                .bind("p", projectId).bind("seq", seq)
                .map((rs, ctx) -> new SpanRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getLong(9),
                        nullable(rs, 10), nullable(rs, 11),
                        nullable(rs, 12), rs.getLong(13), rs.getLong(14), rs.getLong(15),
                        rs.getLong(16), rs.getLong(17), rs.getLong(18), nullable(rs, 19),
                        rs.getString(20), rs.getString(21), rs.getString(22))).list());
    }

    /** The root run, then its spans depth-first (children by start), each parent before its children. */
    private List<LangSmithRun> runs(String projectId, TraceRow t, List<SpanRow> spans, boolean content,
                                    boolean metadata) {
        String rootId = v5(NAMESPACE, projectId + "\u0000" + t.id()).toString();
        String rootDotted = dotted(t.startedAt(), rootId);
        List<LangSmithRun> out = new ArrayList<>(spans.size() + 1);
        boolean failed = "error".equals(t.status());
        out.add(new LangSmithRun(rootId, rootId, null, rootDotted, t.name() == null || t.name().isEmpty() ? "trace"
                : t.name(), "chain", iso(t.startedAt()), t.endedAt() == null ? null : iso(t.endedAt()),
                failed ? "trace failed" : null,
                content ? inputs(t.input()) : json.createObjectNode(),
                content && t.output() != null ? outputs(t.output(), null) : null,
                new LangSmithRun.Extra(new LangSmithRun.Metadata(null, null, null, t.sessionId(), t.userId(), t.id(),
                        null, usd(t.costNanos()), null, null, metadata ? parse(t.metadata()) : null, t.promptName(),
                        t.promptVersion(), t.experiment(), t.variant())),
                null, List.of("bloop")));

        Map<String, SpanRow> byId = new HashMap<>();
        spans.forEach(s -> byId.put(s.id(), s));
        Map<String, List<SpanRow>> children = new HashMap<>();
        for (SpanRow s : spans) {
            String parent = s.parent() != null && byId.containsKey(s.parent()) ? s.parent() : "";
            children.computeIfAbsent(parent, k -> new ArrayList<>()).add(s);
        }
        children.values().forEach(l -> l.sort(Comparator.comparingLong(SpanRow::startedAt).thenComparing(SpanRow::id)));
        walk(projectId, t, "", rootId, rootDotted, children, content, metadata, out, 0);
        return out;
    }

    private void walk(String projectId, TraceRow t, String parentSpan, String parentRun, String parentDotted,
                      Map<String, List<SpanRow>> children, boolean content, boolean metadata, List<LangSmithRun> out,
                      int depth) {
        if (depth > 1_000) {
            return;
        }
        for (SpanRow s : children.getOrDefault(parentSpan, List.of())) {
            String id = v5(NAMESPACE, projectId + "\u0000" + t.id() + "\u0000" + s.id()).toString();
            String dotted = parentDotted + "." + dotted(s.startedAt(), id);
            out.add(run(t, s, id, parentRun, out.get(0).id(), dotted, content, metadata));
            walk(projectId, t, s.id(), id, dotted, children, content, metadata, out, depth + 1);
        }
    }

    private LangSmithRun run(TraceRow t, SpanRow s, String id, String parentRun, String rootId, String dotted,
                             boolean content, boolean metadata) {
        boolean llm = "generation".equals(s.type());
        String runType = switch (s.type()) {
            case "generation" -> "llm";
            case "tool" -> "tool";
            case "retrieval" -> "retriever";
            default -> "chain";
        };
        Long end = s.endedAt() != null ? s.endedAt() : s.latencyMs() != null ? s.startedAt() + s.latencyMs() : null;
        boolean failed = !"ok".equals(s.status());
        String error = !failed ? null : s.error() != null && !s.error().isEmpty() ? s.error() : s.status();
        BigDecimal cost = s.costNanos() == null ? null : usd(s.costNanos());
        LangSmithRun.Usage usage = null;
        if (llm) {
            long input = s.uncached() + s.cacheRead() + s.write5m() + s.write1h();
            usage = new LangSmithRun.Usage(input, s.output(), input + s.output(),
                    new LangSmithRun.InputDetails(s.cacheRead(), s.write5m() + s.write1h(), s.write5m(), s.write1h()),
                    new LangSmithRun.OutputDetails(s.reasoning()), cost);
        }
        JsonNode outputs = outputs(content ? s.outputText() : null, usage);
        List<LangSmithRun.Event> events = s.ttftMs() == null ? null
                : List.of(new LangSmithRun.Event("new_token", iso(s.startedAt() + s.ttftMs())));
        return new LangSmithRun(id, rootId, parentRun, dotted, s.name() == null || s.name().isEmpty()
                ? (s.model() != null ? s.model() : s.type()) : s.name(), runType, iso(s.startedAt()),
                end == null ? null : iso(end), error,
                content ? inputs(s.input()) : json.createObjectNode(), outputs,
                new LangSmithRun.Extra(new LangSmithRun.Metadata(s.provider(), s.model(), llm ? "chat" : null,
                        t.sessionId(), t.userId(), t.id(), s.id(), cost, s.ttftMs(), s.latencyMs(),
                        metadata ? parse(s.metadata()) : null, null, null, null, null)),
                events, null);
    }

    /** Stored content as a run's {@code inputs}: an object as it is, messages under "messages", else under "input". */
    private JsonNode inputs(String stored) {
        JsonNode v = parse(stored);
        if (v == null) {
            return json.createObjectNode();
        }
        if (v.isObject()) {
            return v;
        }
        ObjectNode o = json.createObjectNode();
        o.set(v.isArray() ? "messages" : "input", v);
        return o;
    }

    private JsonNode outputs(String stored, LangSmithRun.Usage usage) {
        JsonNode v = parse(stored);
        if (v == null && usage == null) {
            return null;
        }
        ObjectNode o = json.createObjectNode();
        if (v != null && v.isObject()) {
            o.setAll((ObjectNode) v);
        } else if (v != null) {
            o.set(v.isArray() ? "messages" : "output", v);
        }
        if (usage != null) {
            o.set("usage_metadata", json.valueToTree(usage));
        }
        return o;
    }

    private JsonNode parse(String stored) {
        if (stored == null) {
            return null;
        }
        try {
            return json.readTree(stored);
        } catch (JsonProcessingException e) {
            return json.getNodeFactory().textNode(stored);
        }
    }

    private static Long nullable(java.sql.ResultSet rs, int column) throws java.sql.SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    private static BigDecimal usd(long nanos) {
        return BigDecimal.valueOf(nanos, 9).stripTrailingZeros();
    }

    static String iso(long epochMs) {
        return ISO.format(Instant.ofEpochMilli(epochMs));
    }

    /** One segment of a dotted order: the start as {@code %Y%m%dT%H%M%S%fZ} (microseconds), then the run id. */
    static String dotted(long epochMs, String runId) {
        return DOTTED.format(Instant.ofEpochMilli(epochMs)) + runId;
    }

    /** A name-based UUID, version 5 (SHA-1), as RFC 4122 §4.3 defines it. */
    static UUID v5(UUID namespace, String name) {
        MessageDigest sha1;
        try {
            sha1 = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        sha1.update(toBytes(namespace));
        byte[] h = sha1.digest(name.getBytes(StandardCharsets.UTF_8));
        h[6] = (byte) ((h[6] & 0x0f) | 0x50);
        h[8] = (byte) ((h[8] & 0x3f) | 0x80);
        long msb = 0;
        long lsb = 0;
        for (int i = 0; i < 8; i++) {
            msb = (msb << 8) | (h[i] & 0xff);
            lsb = (lsb << 8) | (h[i + 8] & 0xff);
        }
        return new UUID(msb, lsb);
    }

    private static byte[] toBytes(UUID u) {
        byte[] b = new byte[16];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (u.getMostSignificantBits() >>> (56 - 8 * i));
            b[i + 8] = (byte) (u.getLeastSignificantBits() >>> (56 - 8 * i));
        }
        return b;
    }
}
