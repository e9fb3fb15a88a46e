package dev.bloop.service.llm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bloop.api.Utf8;
import dev.bloop.api.llm.SpanIn;
import dev.bloop.api.llm.TraceIn;
import dev.bloop.api.llm.TraceUpdate;
import dev.bloop.service.ingest.InvalidEvent;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Checks a trace (or an update) and turns it into what is queued: the project's content storage
 * applied first (so that dropped content never reaches the queue, the journal or the disk), then
 * limits, usage normalized into buckets, the client's cost in nanodollars, defaults filled in.
 * Every refusal names the field ({@code spans[2].output_tokens}).
 */
final class TraceValidator {
    static final Set<String> SPAN_TYPES = Set.of("generation", "tool", "retrieval", "custom");
    static final Set<String> TRACE_STATUSES = Set.of("running", "completed", "error");
    static final Set<String> SPAN_STATUSES = Set.of("ok", "error", "cancelled");
    static final int MAX_ID_CHARS = 128;
    static final int MAX_NAME_CHARS = 200;
    static final int MAX_TAG_CHARS = 128;
    static final int MAX_ERROR_MESSAGE_BYTES = 2_048;
    private static final long MAX_DURATION_MS = 30L * 24 * 3600 * 1000;
    private static final BigDecimal MAX_COST = BigDecimal.valueOf(1_000_000);
    private static final BigDecimal NANOS = BigDecimal.valueOf(1_000_000_000L);
    /** Epoch values below this are seconds, as for error events. */
    private static final long SECONDS_BELOW = 100_000_000_000L;

    private final ObjectMapper json;
    private final int maxSpans;
    private final int maxContentBytes;
    private final int maxMetadataBytes;
    private final TraceTagCheck tags;
    private final RepeatedStrings repeated = new RepeatedStrings();

    TraceValidator(ObjectMapper json, LlmTracingConfig config) {
        this(json, config, TraceTagCheck.NONE);
    }

    /** Whether a trace may carry these experiment tags in the project (both null: nothing to check). */
    void checkTags(String projectId, String experiment, String variant) throws InvalidEvent {
        if (experiment != null || variant != null) {
            tags.check(projectId, experiment, variant);
        }
    }

    TraceValidator(ObjectMapper json, LlmTracingConfig config, TraceTagCheck tags) {
        this.json = json;
        this.tags = tags;
        this.maxSpans = config.getMaxSpansPerTrace();
        this.maxContentBytes = config.getMaxContentBytes();
        this.maxMetadataBytes = config.getMaxMetadataBytes();
    }

    /** A whole trace ({@code POST}): parents must be spans of the same trace. */
    QueuedTrace trace(TraceIn t, String projectId, long receivedAt, ContentStorage storage) throws InvalidEvent {
        String id = t.id() == null ? UUID.randomUUID().toString().replace("-", "") : t.id();
        if (id.isBlank()) {
            throw new InvalidEvent("id must not be empty", "id");
        }
        if (id.length() > MAX_ID_CHARS) {
            throw new InvalidEvent("id must be at most " + MAX_ID_CHARS + " characters", "id");
        }
        String status = t.status() == null ? "completed" : t.status();
        if (!TRACE_STATUSES.contains(status)) {
            throw new InvalidEvent("status must be one of running, completed, error", "status");
        }
        long startedAt = t.startedAt() == null ? receivedAt : epochMs(t.startedAt(), "started_at");
        Long endedAt = t.endedAt() == null ? null : epochMs(t.endedAt(), "ended_at");
        if (endedAt != null && endedAt < startedAt) {
            throw new InvalidEvent("ended_at must not be before started_at", "ended_at");
        }
        if (t.variant() != null && t.experiment() == null) {
            throw new InvalidEvent("variant needs the experiment it belongs to", "experiment");
        }
        String experiment = tag(t.experiment(), "experiment");
        String variant = tag(t.variant(), "variant");
        tags.check(projectId, experiment, variant);
        List<SpanIn> spans = t.spans() == null ? List.of() : t.spans();
        List<QueuedTrace.QueuedSpan> out = spans(spans, startedAt, receivedAt, storage, Map.of(), false);
        return new QueuedTrace(projectId, id, false, receivedAt, name(t.sessionId(), "session_id"),
                name(t.userId(), "user_id"), repeated.of(name(t.name(), "name")), repeated.of(status),
                content(t.input(), "input", storage), content(t.output(), "output", storage),
                metadata(t.metadata(), "metadata", storage), startedAt, endedAt, out,
                tag(t.promptName(), "prompt_name"), tag(version(t.promptVersion()), "prompt_version"),
                experiment, variant);
    }

    /**
     * An update ({@code PUT /v1/traces/{id}}) of a trace that exists.
     *
     * @param existing the trace's spans as stored or queued: id → parent id (null for a root)
     * @param startedAt the trace's start, the default start of new spans
     */
    QueuedTrace update(String id, TraceUpdate u, String projectId, long receivedAt, ContentStorage storage,
                       Map<String, String> existing, long startedAt) throws InvalidEvent {
        String status = u.status();
        if (status != null && !TRACE_STATUSES.contains(status)) {
            throw new InvalidEvent("status must be one of running, completed, error", "status");
        }
        Long endedAt = u.endedAt() == null ? null : epochMs(u.endedAt(), "ended_at");
        if (endedAt != null && endedAt < startedAt) {
            throw new InvalidEvent("ended_at must not be before the trace's started_at", "ended_at");
        }
        List<QueuedTrace.QueuedSpan> out = addedSpans(u.spans(), startedAt, receivedAt, storage, existing);
        return new QueuedTrace(projectId, id, true, receivedAt, null, null, null, repeated.of(status), null,
                content(u.output(), "output", storage), metadata(u.metadata(), "metadata", storage), null, endedAt, out,
                null, null, null, null);
    }

    /**
     * More of a trace that is stored or queued, sent in parts (an OTLP exporter sends spans as they end,
     * in whatever order its requests land): the stored trace widens to cover the part's window, takes
     * its name and status only from a part that holds the root span, and keeps the session, user and
     * tags it already has.
     *
     * @param hasRoot   whether the part holds the trace's root span (not a placeholder for a parent)
     * @param traceStart the trace's start as stored or queued
     */
    QueuedTrace part(TraceIn t, boolean hasRoot, String projectId, long receivedAt, ContentStorage storage,
                     Map<String, String> existing, long traceStart) throws InvalidEvent {
        String status = hasRoot ? t.status() : null;
        if (status != null && !TRACE_STATUSES.contains(status)) {
            throw new InvalidEvent("status must be one of running, completed, error", "status");
        }
        Long startedAt = t.startedAt() == null ? null : epochMs(t.startedAt(), "started_at");
        Long endedAt = t.endedAt() == null ? null : epochMs(t.endedAt(), "ended_at");
        long start = startedAt == null ? traceStart : startedAt;
        if (endedAt != null && endedAt < start) {
            throw new InvalidEvent("ended_at must not be before started_at", "ended_at");
        }
        String experiment = tag(t.experiment(), "experiment");
        String variant = tag(t.variant(), "variant");
        if (variant != null && experiment == null) {
            throw new InvalidEvent("variant needs the experiment it belongs to", "experiment");
        }
        checkTags(projectId, experiment, variant);
        List<QueuedTrace.QueuedSpan> out = addedSpans(t.spans(), Math.min(start, traceStart), receivedAt, storage,
                existing);
        // A part always carries its start: that is what tells the writer to widen rather than overwrite.
        return new QueuedTrace(projectId, t.id(), true, receivedAt, name(t.sessionId(), "session_id"),
                name(t.userId(), "user_id"), hasRoot ? repeated.of(name(t.name(), "name")) : null,
                repeated.of(status), null, content(t.output(), "output", storage),
                metadata(t.metadata(), "metadata", storage), start, endedAt, out, tag(t.promptName(), "prompt_name"),
                tag(version(t.promptVersion()), "prompt_version"), experiment, variant);
    }

    /** Spans added to a trace that exists: checked like a new trace's, and against the trace's total. */
    private List<QueuedTrace.QueuedSpan> addedSpans(List<SpanIn> spans, long traceStart, long receivedAt,
                                                    ContentStorage storage, Map<String, String> existing)
            throws InvalidEvent {
        List<QueuedTrace.QueuedSpan> out = spans(spans == null ? List.of() : spans, traceStart, receivedAt, storage,
                existing, true);
        Set<String> ids = new HashSet<>(existing.keySet());
        out.forEach(s -> ids.add(s.id()));
        if (ids.size() > maxSpans) {
            throw new InvalidEvent("the trace would have " + ids.size() + " spans; at most " + maxSpans
                    + " per trace", "spans");
        }
        return out;
    }

    private List<QueuedTrace.QueuedSpan> spans(List<SpanIn> spans, long traceStart, long receivedAt,
                                               ContentStorage storage, Map<String, String> existing, boolean update)
            throws InvalidEvent {
        if (spans.size() > maxSpans) {
            throw new InvalidEvent("trace has " + spans.size() + " spans; at most " + maxSpans + " per trace", "spans");
        }
        List<QueuedTrace.QueuedSpan> out = new ArrayList<>(spans.size());
        Map<String, String> parents = new HashMap<>(existing);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < spans.size(); i++) {
            SpanIn s = spans.get(i);
            String at = "spans[" + i + "].";
            if (s == null) {
                throw new InvalidEvent("each span must be a JSON object", "spans[" + i + "]");
            }
            String id = s.id() != null ? s.id() : update ? "span-" + receivedAt + "-" + (i + 1) : "span-" + (i + 1);
            if (id.isBlank() || id.length() > MAX_ID_CHARS) {
                throw new InvalidEvent(at + "id must be 1 to " + MAX_ID_CHARS + " characters", at + "id");
            }
            if (!seen.add(id)) {
                throw new InvalidEvent(at + "id '" + id + "' appears twice in the trace", at + "id");
            }
            out.add(span(s, id, at, traceStart, storage));
            parents.put(id, s.parentSpanId());
        }
        for (int i = 0; i < out.size(); i++) {
            String parent = out.get(i).parentSpanId();
            String at = "spans[" + i + "].parent_span_id";
            if (parent == null) {
                continue;
            }
            if (!parents.containsKey(parent)) {
                throw new InvalidEvent(at + " '" + parent + "' is not a span of this trace", at);
            }
            // Walk up: a chain longer than the trace, or back to this span, is a cycle.
            String cursor = parent;
            for (int steps = 0; cursor != null; steps++) {
                if (cursor.equals(out.get(i).id()) || steps > parents.size()) {
                    throw new InvalidEvent(at + " makes a cycle: span '" + out.get(i).id() + "' would be its own "
                            + "ancestor", at);
                }
                cursor = parents.get(cursor);
            }
        }
        return out;
    }

    private QueuedTrace.QueuedSpan span(SpanIn s, String id, String at, long traceStart, ContentStorage storage)
            throws InvalidEvent {
        String type = s.spanType() != null ? s.spanType() : s.model() != null ? "generation" : "custom";
        if (!SPAN_TYPES.contains(type)) {
            throw new InvalidEvent(at + "span_type must be one of generation, tool, retrieval, custom", at + "span_type");
        }
        String status = s.status() == null ? "ok" : s.status();
        if (!SPAN_STATUSES.contains(status)) {
            throw new InvalidEvent(at + "status must be one of ok, error, cancelled", at + "status");
        }
        long startedAt = s.startedAt() == null ? traceStart : epochMs(s.startedAt(), at + "started_at");
        Long endedAt = s.endedAt() == null ? null : epochMs(s.endedAt(), at + "ended_at");
        if (endedAt != null && endedAt < startedAt) {
            throw new InvalidEvent(at + "ended_at must not be before its started_at", at + "ended_at");
        }
        Long latency = duration(s.latencyMs(), at + "latency_ms");
        if (latency == null && endedAt != null) {
            latency = endedAt - startedAt;
        }
        Long ttft = duration(s.timeToFirstTokenMs(), at + "time_to_first_token_ms");

        long read = tokens(s.cacheReadTokens(), at + "cache_read_tokens");
        long write5m = tokens(s.cacheWriteTokens(), at + "cache_write_tokens");
        long write1h = tokens(s.cacheWrite1hTokens(), at + "cache_write_1h_tokens");
        long cached = read + write5m + write1h;
        Long total = s.inputTokens() == null ? null : tokens(s.inputTokens(), at + "input_tokens");
        Long uncachedGiven = s.inputUncachedTokens() == null ? null
                : tokens(s.inputUncachedTokens(), at + "input_uncached_tokens");
        long uncached;
        if (uncachedGiven != null) {
            uncached = uncachedGiven;
            if (total != null && total != uncached + cached) {
                throw new InvalidEvent(at + "input_tokens (" + total + ") must equal input_uncached_tokens + "
                        + "cache_read_tokens + cache_write_tokens + cache_write_1h_tokens (" + (uncached + cached)
                        + "); send one of input_tokens and input_uncached_tokens", at + "input_tokens");
            }
        } else if (total != null) {
            if (total < cached) {
                throw new InvalidEvent(at + "input_tokens (" + total + ") counts every input token, cache reads and "
                        + "writes included, so it cannot be less than their sum (" + cached + "); for Anthropic's "
                        + "usage, whose input_tokens leaves the cache out, send it as input_uncached_tokens",
                        at + "input_tokens");
            }
            uncached = total - cached;
        } else {
            uncached = 0;
        }
        long output = tokens(s.outputTokens(), at + "output_tokens");
        long reasoning = tokens(s.reasoningTokens(), at + "reasoning_tokens");
        if (reasoning > output) {
            throw new InvalidEvent(at + "reasoning_tokens (" + reasoning + ") are part of output_tokens (" + output
                    + ") and cannot exceed them", at + "reasoning_tokens");
        }
        Long providedNanos = null;
        if (s.cost() != null) {
            if (s.cost().signum() < 0 || s.cost().compareTo(MAX_COST) > 0) {
                throw new InvalidEvent(at + "cost must be a number of dollars from 0 to 1000000", at + "cost");
            }
            providedNanos = s.cost().multiply(NANOS).setScale(0, RoundingMode.HALF_UP).longValueExact();
        }
        String error = s.errorMessage() == null ? null : Utf8.truncate(s.errorMessage(), MAX_ERROR_MESSAGE_BYTES);
        return new QueuedTrace.QueuedSpan(id, s.parentSpanId(), repeated.of(type),
                repeated.of(name(s.name(), at + "name")), repeated.of(name(s.model(), at + "model")),
                repeated.of(name(s.provider(), at + "provider")), repeated.of(status), error, startedAt, endedAt,
                latency, ttft, uncached, read, write5m, write1h, output, reasoning, providedNanos,
                content(s.input(), at + "input", storage), content(s.output(), at + "output", storage),
                metadata(s.metadata(), at + "metadata", storage));
    }

    private static long tokens(Long value, String field) throws InvalidEvent {
        if (value == null) {
            return 0;
        }
        if (value < 0 || value > Price.MAX_TOKENS) {
            throw new InvalidEvent(field + " must be a whole number from 0 to " + Price.MAX_TOKENS, field);
        }
        return value;
    }

    private static Long duration(Long value, String field) throws InvalidEvent {
        if (value == null) {
            return null;
        }
        if (value < 0 || value > MAX_DURATION_MS) {
            throw new InvalidEvent(field + " must be a whole number of milliseconds from 0 to " + MAX_DURATION_MS, field);
        }
        return value;
    }

    private static long epochMs(long value, String field) throws InvalidEvent {
        if (value < 0) {
            throw new InvalidEvent(field + " must be epoch milliseconds (or seconds), not negative", field);
        }
        return value < SECONDS_BELOW ? value * 1000 : value;
    }

    private static String name(String value, String field) throws InvalidEvent {
        if (value == null) {
            return null;
        }
        if (value.length() > MAX_NAME_CHARS) {
            throw new InvalidEvent(field + " must be at most " + MAX_NAME_CHARS + " characters", field);
        }
        return value;
    }

    /** A prompt or experiment tag: what the figures are grouped by, so a short, non-blank label. */
    private static String tag(String value, String field) throws InvalidEvent {
        if (value == null) {
            return null;
        }
        if (value.isBlank() || value.length() > MAX_TAG_CHARS) {
            throw new InvalidEvent(field + " must be 1 to " + MAX_TAG_CHARS + " characters", field);
        }
        return value;
    }

    /** Prompt registries number versions (Langfuse: 1, 2, ...) or name them: both are kept as text. */
    private static String version(JsonNode value) throws InvalidEvent {
        if (value == null || value.isNull()) {
            return null;
        }
        if (value.isTextual()) {
            return value.asText();
        }
        if (value.isIntegralNumber()) {
            return value.bigIntegerValue().toString();
        }
        throw new InvalidEvent("prompt_version must be a whole number or a string", "prompt_version");
    }

    /**
     * Prompt or completion: null unless the project keeps content; kept as JSON text. Over the cap it
     * is cut (a prompt's length is not the app's to control, and refusing the trace would lose its
     * tokens and cost) and kept as a string that says so.
     */
    private String content(JsonNode value, String field, ContentStorage storage) throws InvalidEvent {
        if (value == null || value.isNull() || !storage.keepsContent()) {
            return null;
        }
        String text = write(value, field);
        if (Utf8.length(text) <= maxContentBytes) {
            return text;
        }
        String raw = value.isTextual() ? value.asText() : text;
        String cut = Utf8.truncate(raw, maxContentBytes) + " … [truncated by bloop: " + Utf8.length(raw) + " bytes]";
        return write(json.getNodeFactory().textNode(cut), field);
    }

    private String metadata(JsonNode value, String field, ContentStorage storage) throws InvalidEvent {
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isObject()) {
            throw new InvalidEvent(field + " must be a JSON object", field);
        }
        if (!storage.keepsMetadata()) {
            return null;
        }
        String text = write(value, field);
        if (Utf8.length(text) > maxMetadataBytes) {
            throw new InvalidEvent(field + " must be at most " + maxMetadataBytes + " bytes as JSON", field);
        }
        return text;
    }

    private String write(JsonNode value, String field) throws InvalidEvent {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new InvalidEvent(field + " cannot be stored", field);
        }
    }
}
