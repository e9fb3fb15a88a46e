package dev.bloop.service.sentry;

import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.bloop.api.ApiError;
import dev.bloop.api.SentryAccepted;
import dev.bloop.service.ingest.IngestGate;
import dev.bloop.service.pipeline.AcceptedEvent;
import dev.bloop.service.pipeline.CommitWaiter;
import dev.bloop.service.project.ProjectKeys;
import dev.bloop.service.releases.ReleaseHealthStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.zip.InflaterInputStream;

/**
 * Turns one Sentry request (an envelope, or a legacy store event) into what bloop keeps: events go
 * through the core's ingest path ({@link IngestGate}: quota, validation, grouping, inbound filters,
 * the queue and its 429), sessions into release health, client reports into the ingest ledger;
 * everything else is skipped and counted, and the SDK is told not to send those item types for a
 * while. Runs on the ingest workers; answers through the {@link Call}.
 */
final class SentryIngest {
    /** One request as the servlet hands it over; it writes the answer. */
    interface Call {
        boolean store();

        /** The project id in the URL ({@code /api/<id>/...}). */
        String urlProjectId();

        /** The key from the {@code X-Sentry-Auth} header or the query, or null. */
        String key();

        byte[] body();

        int length();

        Bodies.Encoding encoding();

        /** Writes the answer now, on this thread. */
        void answer(Answer answer);

        /** Writes the answer from a container thread (the caller is the writer thread). */
        void answerLater(Answer answer);
    }

    /** Status, JSON body and extra headers. */
    record Answer(int status, Object body, Map<String, String> headers) {
        static Answer error(int status, String message) {
            return new Answer(status, ApiError.of(message), Map.of());
        }
    }

    /** A request refused for good, with its status and reason. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;
        final transient Answer answer;

        Refused(int status, String message) {
            super(message, null, false, false);
            this.answer = Answer.error(status, message);
        }
    }

    /** Everything one request brought, parsed, before any of it is kept. */
    private static final class Parsed {
        String projectId;
        final List<SentryEvents.Mapped> events = new ArrayList<>();
        final List<ReleaseHealthStore.Update> sessions = new ArrayList<>();
        final List<ReleaseHealthStore.Aggregate> aggregates = new ArrayList<>();
        final Map<String, Long> ledger = new LinkedHashMap<>();
        final Set<String> skippedTypes = new LinkedHashSet<>();
    }

    private final IngestGate gate;
    private final ProjectKeys keys;
    private final ReleaseHealthStore health;
    private final SentryConfig config;
    private final SentryEvents mapper;
    private final ObjectMapper json;
    private final Cache<String, Boolean> seen;
    private final Meter envelopes;
    private final Meter skipped;
    private final Meter sessions;

    SentryIngest(IngestGate gate, ProjectKeys keys, ReleaseHealthStore health, SentryConfig config,
                 MetricRegistry metrics) {
        this.gate = gate;
        this.keys = keys;
        this.health = health;
        this.config = config;
        this.mapper = new SentryEvents(gate.maxMessageBytes(), gate.maxStackBytes(), gate.maxMetadataBytes());
        JsonMapper m = JsonMapper.builder()
                // raven-python and sentry-python may write NaN and Infinity: read them rather than refuse the event.
                .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                .build();
        m.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(200).build());
        this.json = m;
        this.seen = config.getDedupeEventIds() == 0 ? null : Caffeine.newBuilder()
                .maximumSize(config.getDedupeEventIds()).expireAfterWrite(Duration.ofHours(1)).build();
        this.envelopes = metrics.meter("sentry.requests");
        this.skipped = metrics.meter("sentry.items.skipped");
        this.sessions = metrics.meter("sentry.sessions");
    }

    ObjectMapper json() {
        return json;
    }

    /** Handles the request; runs on an ingest worker. */
    void handle(Call call) {
        envelopes.mark();
        long receivedAt = System.currentTimeMillis();
        Parsed parsed;
        try {
            parsed = parse(call, receivedAt);
        } catch (Refused r) {
            call.answer(r.answer);
            return;
        }
        for (ReleaseHealthStore.Update u : parsed.sessions) {
            health.record(parsed.projectId, u);
        }
        for (ReleaseHealthStore.Aggregate a : parsed.aggregates) {
            health.record(parsed.projectId, a);
        }
        sessions.mark(parsed.sessions.size() + parsed.aggregates.size());
        parsed.ledger.forEach((reason, n) -> gate.count(parsed.projectId, reason, n));
        Map<String, String> headers = new LinkedHashMap<>();
        String limits = RateLimits.skipped(parsed.skippedTypes, config.getSkippedRetryAfter().toSeconds());
        if (limits != null) {
            headers.put("X-Sentry-Rate-Limits", limits);
        }
        if (parsed.events.isEmpty()) {
            call.answer(new Answer(200, new SentryAccepted(null), headers));
            return;
        }
        // Retries of events already kept (an SDK that did not see the answer) are acknowledged, not kept twice.
        List<SentryEvents.Mapped> fresh = new ArrayList<>();
        for (SentryEvents.Mapped m : parsed.events) {
            if (seen != null && seen.getIfPresent(parsed.projectId + ":" + m.eventId()) != null) {
                gate.count(parsed.projectId, "duplicate", 1);
            } else {
                fresh.add(m);
            }
        }
        String id = parsed.events.get(0).eventId();
        if (fresh.isEmpty()) {
            call.answer(new Answer(200, new SentryAccepted(id), headers));
            return;
        }
        check(call, parsed.projectId, fresh, id, headers, receivedAt, false);
    }

    /** Validates, groups, filters and queues the events (again with source maps loaded, if they were needed). */
    private void check(Call call, String projectId, List<SentryEvents.Mapped> events, String id,
                       Map<String, String> headers, long receivedAt, boolean mayLoad) {
        List<AcceptedEvent> accepted = new ArrayList<>();
        List<IngestGate.Checked> waiting = new ArrayList<>();
        List<String> acceptedIds = new ArrayList<>();
        for (SentryEvents.Mapped m : events) {
            IngestGate.Checked c = check(m, projectId, receivedAt, mayLoad);
            if (c.needsSourceMaps()) {
                waiting.add(c);
            } else if (c.problem() != null) {
                // Mapping fills and trims every field, so this is an event bloop cannot take at all.
                call.answer(Answer.error(400, "event " + m.eventId() + ": " + c.problem()));
                return;
            } else if (c.accepted() != null) {
                accepted.add(c.accepted());
                acceptedIds.add(m.eventId());
            }
        }
        if (!waiting.isEmpty()) {
            boolean queued = gate.loadThen(waiting,
                    () -> check(call, projectId, events, id, headers, receivedAt, true),
                    () -> call.answer(overloaded(IngestGate.Refusal.QUEUE_FULL)));
            if (!queued) {
                call.answer(overloaded(IngestGate.Refusal.QUEUE_FULL));
            }
            return;
        }
        // The quota is charged with the events that would be kept (filtered ones do not count), as for /v1/ingest.
        long wait = accepted.isEmpty() ? 0 : gate.admit(projectId, accepted.size());
        if (wait != 0) {
            long secs = wait < 0 ? 60 : wait;
            Map<String, String> h = new LinkedHashMap<>(headers);
            h.put("Retry-After", Long.toString(secs));
            String skippedLimits = headers.get("X-Sentry-Rate-Limits");
            h.put("X-Sentry-Rate-Limits", RateLimits.events(secs) + (skippedLimits == null ? "" : ", " + skippedLimits));
            call.answer(new Answer(429, ApiError.of("the project's ingest quota is used up; nothing from this request "
                    + "was kept, retry after " + secs + "s"), h));
            return;
        }
        Answer ok = new Answer(200, new SentryAccepted(id), headers);
        boolean waitForCommit = gate.ackCommitted() && !accepted.isEmpty();
        List<AcceptedEvent> offered = accepted;
        if (waitForCommit) {
            CommitWaiter waiter = new CommitWaiter(accepted.size(), () -> call.answerLater(ok));
            offered = accepted.stream().map(a -> a.withWaiter(waiter)).toList();
        }
        IngestGate.Refusal refusal = accepted.isEmpty() ? null : gate.enqueue(offered);
        if (refusal != null) {
            call.answer(overloaded(refusal));
            return;
        }
        if (seen != null) {
            acceptedIds.forEach(e -> seen.put(projectId + ":" + e, Boolean.TRUE));
        }
        if (!waitForCommit) {
            call.answer(ok);
        }
    }

    private IngestGate.Checked check(SentryEvents.Mapped m, String projectId, long receivedAt, boolean mayLoad) {
        return gate.check(m.event(), m.groupingStack() != null ? m.groupingStack() : m.event().stack(), projectId,
                receivedAt, mayLoad);
    }

    /** 429 or 503 with {@code Retry-After} and a limit on every category for as long. */
    static Answer overloaded(IngestGate.Refusal refusal) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Retry-After", Integer.toString(refusal.retryAfterSecs));
        h.put("X-Sentry-Rate-Limits", RateLimits.all(refusal.retryAfterSecs,
                refusal == IngestGate.Refusal.QUEUE_FULL ? "overloaded" : "unavailable"));
        return new Answer(refusal.status, ApiError.of(refusal.message), h);
    }

    private Parsed parse(Call call, long receivedAt) throws Refused {
        Parsed out = new Parsed();
        try (InputStream in = Bodies.open(call.body(), call.length(), call.encoding(),
                config.getMaxDecompressedSize().toBytes())) {
            if (call.store()) {
                out.projectId = authorize(call.key(), call.urlProjectId(), "X-Sentry-Auth header or sentry_key query "
                        + "parameter");
                JsonNode event = storeEvent(in);
                out.events.add(mapper.map(event, null, receivedAt));
                return out;
            }
            // Read ahead about as much as the body will decompress to (compressed JSON shrinks 2-10 times).
            EnvelopeReader reader = new EnvelopeReader(in, json, (int) config.getMaxEventSize().toBytes(),
                    Math.max(1024, call.length() * (call.encoding() == Bodies.Encoding.IDENTITY ? 1 : 4)));
            JsonNode header;
            try {
                header = reader.header();
            } catch (EnvelopeReader.Malformed m) {
                // Without a key in the request, an unreadable header is a request without credentials.
                if (call.key() == null) {
                    throw new Refused(403, "no Sentry key: send X-Sentry-Auth, the sentry_key query parameter or "
                            + "a dsn envelope header (" + m.getMessage() + ")");
                }
                throw new Refused(400, "malformed envelope: " + m.getMessage());
            }
            String key = call.key();
            SentryAuth.Dsn dsn = SentryAuth.parseDsn(SentryEvents.text(header, "dsn"));
            if (dsn != null) {
                key = dsn.key();
            }
            out.projectId = authorize(key, call.urlProjectId(), "X-Sentry-Auth header, sentry_key query parameter "
                    + "or dsn envelope header");
            String envelopeEventId = SentryEvents.text(header, "event_id");
            EnvelopeReader.Item item;
            while ((item = reader.next()) != null) {
                switch (item.type()) {
                    case "event" -> out.events.add(mapper.map(payload(item), envelopeEventId, receivedAt));
                    case "session" -> {
                        ReleaseHealthStore.Update u = SentryItems.session(payload(item), receivedAt);
                        if (u != null) {
                            out.sessions.add(u);
                        }
                    }
                    case "sessions" -> out.aggregates.addAll(SentryItems.sessions(payload(item), receivedAt));
                    case "client_report" -> SentryItems.clientReport(payload(item))
                            .forEach((reason, n) -> out.ledger.merge(reason, n, Long::sum));
                    default -> {
                        skipped.mark();
                        out.skippedTypes.add(item.type());
                        out.ledger.merge("skipped:" + SentryItems.word(item.type()), 1L, Long::sum);
                    }
                }
            }
            return out;
        } catch (Bodies.TooLarge t) {
            throw new Refused(413, t.getMessage());
        } catch (EnvelopeReader.Malformed m) {
            throw new Refused(400, "malformed envelope: " + m.getMessage());
        } catch (IOException e) {
            // A truncated or corrupt gzip or deflate stream.
            throw new Refused(400, "the body could not be decompressed as " + call.encoding().name().toLowerCase()
                    + " (Content-Encoding)");
        }
    }

    /** The item's payload as a JSON object. */
    private JsonNode payload(EnvelopeReader.Item item) throws Refused {
        JsonNode node;
        try {
            node = json.readTree(item.payload());
        } catch (JsonProcessingException e) {
            throw new Refused(400, "malformed envelope: item " + item.index() + " (" + item.type()
                    + ") is not valid JSON");
        } catch (IOException e) {
            throw new Refused(400, "malformed envelope: item " + item.index() + " is unreadable");
        }
        if (node == null || !node.isObject()) {
            throw new Refused(400, "malformed envelope: item " + item.index() + " (" + item.type()
                    + ") must be a JSON object");
        }
        return node;
    }

    /**
     * A legacy store body: JSON, or (old raven clients) base64 of zlib-compressed JSON. Read within
     * the event cap.
     */
    private JsonNode storeEvent(InputStream in) throws IOException, Refused {
        byte[] body = in.readNBytes((int) config.getMaxEventSize().toBytes() + 1);
        if (body.length > config.getMaxEventSize().toBytes()) {
            throw new Bodies.TooLarge("the event exceeds " + config.getMaxEventSize().toBytes() + " bytes");
        }
        int i = 0;
        while (i < body.length && Character.isWhitespace(body[i])) {
            i++;
        }
        if (i < body.length && body[i] != '{') {
            try {
                byte[] zipped = Base64.getMimeDecoder().decode(new String(body, StandardCharsets.US_ASCII).strip());
                try (InputStream unzipped = new Bodies.Capped(new InflaterInputStream(new ByteArrayInputStream(zipped)),
                        config.getMaxEventSize().toBytes())) {
                    body = unzipped.readAllBytes();
                }
            } catch (IllegalArgumentException | IOException notBase64Zlib) {
                if (notBase64Zlib instanceof Bodies.TooLarge t) {
                    throw t;
                }
                throw new Refused(400, "the store body must be a JSON event");
            }
        }
        JsonNode event;
        try {
            event = json.readTree(body);
        } catch (JsonProcessingException e) {
            throw new Refused(400, "the store body is not valid JSON");
        }
        if (event == null || !event.isObject()) {
            throw new Refused(400, "the store body must be a JSON object");
        }
        return event;
    }

    /** The project of a DSN key: none → 403, unknown → 401, the key of another project than the URL's → 401. */
    private String authorize(String key, String urlProjectId, String where) throws Refused {
        if (key == null) {
            throw new Refused(403, "no Sentry key: send the DSN's public key in the " + where);
        }
        Optional<ProjectKeys.DsnKey> resolved = keys.resolveDsnKey(key);
        if (resolved.isEmpty()) {
            throw new Refused(401, "unknown Sentry key: use the DSN shown on the project's page");
        }
        if (!Long.toString(resolved.get().numericId()).equals(urlProjectId)) {
            throw new Refused(401, "the Sentry key belongs to another project than /api/" + urlProjectId
                    + "/: use the DSN shown on the project's page");
        }
        return resolved.get().projectId();
    }
}
