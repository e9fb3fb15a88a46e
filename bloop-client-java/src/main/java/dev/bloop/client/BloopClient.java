package dev.bloop.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.bloop.api.IngestEvent;
import dev.bloop.api.Utf8;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Reports errors to bloop. Immutable and thread-safe; build one per application and share it.
 *
 * <pre>{@code
 * BloopClient bloop = BloopClient.builder()
 *         .endpoint("https://bloop.example.com")
 *         .secret(System.getenv("BLOOP_SECRET"))
 *         .environment("prod").release("1.4.2")
 *         .build();
 * try { ... } catch (Exception e) { bloop.captureException(e); }
 * }</pre>
 *
 * <p>Capturing never blocks and never throws: events go to a bounded in-memory queue (when it is full
 * the oldest event is dropped and counted, see {@link #droppedEvents()}), and a background thread
 * sends them signed, in batches of up to 50 or every {@code flushInterval}. Network errors and 5xx
 * are retried with exponential backoff, 429/503 after the server's {@code Retry-After}; a 4xx other
 * than those is logged and not retried. {@link #close()} (and, by default, a JVM shutdown hook)
 * sends what is queued, within a timeout.
 */
public final class BloopClient implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("dev.bloop.client");
    private static final Pattern SOURCE = Pattern.compile("[a-z0-9_-]{1,32}");
    private static final long MIN_BACKOFF_MS = 250;

    private final String source;
    private final String environment;
    private final String release;
    private final String appVersion;
    private final String buildNumber;
    private final int batchSize;
    private final long flushIntervalNanos;
    private final Duration closeTimeout;
    private final long maxBackoffMs;
    private final ObjectMapper json;
    private final PendingEvents pending;
    private final Transport transport;
    private final Thread sender;
    private final Thread shutdownHook;
    private volatile boolean closing;
    private volatile boolean closed;

    private BloopClient(Builder b) {
        this.source = b.source;
        this.environment = b.environment;
        this.release = b.release;
        this.appVersion = b.appVersion;
        this.buildNumber = b.buildNumber;
        this.batchSize = b.batchSize;
        this.flushIntervalNanos = b.flushInterval.toNanos();
        this.closeTimeout = b.closeTimeout;
        this.maxBackoffMs = b.maxBackoff.toMillis();
        this.json = JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
        this.pending = new PendingEvents(b.queueCapacity);
        HttpClient http = HttpClient.newBuilder().connectTimeout(b.requestTimeout)
                .followRedirects(HttpClient.Redirect.NEVER).build();
        this.transport = new Transport(http, b.endpoint, b.secret, b.projectKey, b.requestTimeout, json);
        this.sender = new Thread(this::sendLoop, "bloop-sender");
        this.sender.setDaemon(true);
        this.sender.start();
        this.shutdownHook = b.shutdownHook ? new Thread(this::close, "bloop-shutdown-flush") : null;
        if (shutdownHook != null) {
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        }
        if (b.captureUncaught) {
            installUncaughtExceptionHandler();
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public void captureException(Throwable t) {
        captureException(t, EventDetails.NONE);
    }

    /** Type, message and stack (causes included) from {@code t}, plus the given details. */
    public void captureException(Throwable t, EventDetails details) {
        if (t == null) {
            return;
        }
        String message = t.getMessage() == null || t.getMessage().isBlank() ? "(no message)" : t.getMessage();
        enqueue(event(t.getClass().getName(), message, StackFormatter.format(t, Limits.MAX_STACK_BYTES), details));
    }

    /** A message without a type of its own (error type {@code Message}), as Sentry's captureMessage. */
    public void captureMessage(String message) {
        captureMessage("Message", message, EventDetails.NONE);
    }

    public void captureMessage(String errorType, String message) {
        captureMessage(errorType, message, EventDetails.NONE);
    }

    /** An error without an exception: a failed check, an unexpected response, ... */
    public void captureMessage(String errorType, String message, EventDetails details) {
        enqueue(event(errorType, message, null, details));
    }

    /** A fully built event; missing source, environment, release and timestamp take the client's. */
    public void capture(IngestEvent event) {
        if (event == null) {
            return;
        }
        enqueue(new IngestEvent(
                event.timestamp() == null ? System.currentTimeMillis() : event.timestamp(),
                event.source() == null ? source : event.source(),
                event.environment() == null ? environment : event.environment(),
                event.release() == null ? release : event.release(),
                event.errorType(), event.message(),
                event.appVersion() == null ? appVersion : event.appVersion(),
                event.buildNumber() == null ? buildNumber : event.buildNumber(),
                event.routeOrProcedure(), event.screen(), event.stack(), event.httpStatus(), event.requestId(),
                event.userIdHash(), event.deviceIdHash(), event.fingerprint(), event.metadata()));
    }

    /**
     * Sends everything captured before this call, waiting at most {@code timeout}.
     *
     * @return true when all of it was sent (or refused by the server, or dropped); false on timeout
     */
    public boolean flush(Duration timeout) {
        try {
            return pending.awaitResolved(System.nanoTime() + timeout.toNanos());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Flushes within the close timeout, then stops the sender. Later captures are dropped. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closing = true;
        pending.wakeUp();
        try {
            sender.join(closeTimeout.toMillis());
            if (sender.isAlive()) {
                sender.interrupt();
                sender.join(1000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        int lost = pending.abandon();
        if (lost > 0) {
            LOG.log(System.Logger.Level.WARNING, "bloop: " + lost + " events not sent within " + closeTimeout);
        }
        closed = true;
        if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is already exiting; the hook runs close() itself, which returns at once
            }
        }
    }

    /**
     * Reports uncaught exceptions of every thread (flushing for up to 2 s), then hands them to the
     * handler that was installed before, or prints them as the JVM would.
     */
    public void installUncaughtExceptionHandler() {
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((thread, e) -> {
            try {
                captureException(e, EventDetails.builder().metadata("unhandled", true)
                        .metadata("thread", thread.getName()).build());
                flush(Duration.ofSeconds(2));
            } catch (RuntimeException ignored) {
                // reporting must never change how the application dies
            }
            if (previous != null) {
                previous.uncaughtException(thread, e);
            } else {
                System.err.print("Exception in thread \"" + thread.getName() + "\" ");
                e.printStackTrace(System.err);
            }
        });
    }

    /** Events dropped because the queue was full, the client closed, or an event could not be encoded. */
    public long droppedEvents() {
        return pending.dropped();
    }

    /** Events waiting to be sent. */
    public int pendingEvents() {
        return pending.size();
    }

    private IngestEvent event(String errorType, String message, String stack, EventDetails d) {
        return new IngestEvent(System.currentTimeMillis(), source, environment, release, errorType, message, appVersion,
                buildNumber, d.route(), d.screen(), stack, d.httpStatus(), d.requestId(), d.userIdHash(),
                d.deviceIdHash(), d.fingerprint(), d.metadata().isEmpty() ? null : toJson(d.metadata()));
    }

    private JsonNode toJson(Object metadata) {
        try {
            return json.valueToTree(metadata);
        } catch (IllegalArgumentException e) {
            return json.createObjectNode().put("bloop_metadata_dropped", "not serializable: " + e.getMessage());
        }
    }

    private void enqueue(IngestEvent event) {
        if (closing) {
            pending.countDropped(1);
            return;
        }
        try {
            byte[] bytes = json.writeValueAsBytes(withinCaps(event));
            if (bytes.length > Limits.MAX_BODY_BYTES - Limits.ENVELOPE_BYTES) {
                LOG.log(System.Logger.Level.WARNING, "bloop: event of " + bytes.length + " bytes is over the body cap");
                pending.countDropped(1);
                return;
            }
            pending.add(bytes, batchSize);
        } catch (JsonProcessingException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "bloop: could not encode an event: " + e);
            pending.countDropped(1);
        }
    }

    /** Applies the server's caps so the event is accepted instead of refused for its size. */
    private IngestEvent withinCaps(IngestEvent e) throws JsonProcessingException {
        String errorType = e.errorType() == null || e.errorType().isBlank() ? "Error" : e.errorType();
        String message = e.message() == null || e.message().isBlank() ? "(no message)" : e.message();
        JsonNode metadata = e.metadata();
        if (metadata != null && !metadata.isNull()) {
            if (!metadata.isObject()) {
                metadata = json.createObjectNode().set("value", metadata);
            }
            int size = json.writeValueAsBytes(metadata).length;
            if (size > Limits.MAX_METADATA_BYTES) {
                metadata = json.createObjectNode().put("bloop_metadata_dropped",
                        size + " bytes is over the " + Limits.MAX_METADATA_BYTES + "-byte cap");
            }
        }
        String fingerprint = e.fingerprint() == null || e.fingerprint().length() <= Limits.MAX_FINGERPRINT_CHARS
                ? e.fingerprint() : e.fingerprint().substring(0, Limits.MAX_FINGERPRINT_CHARS);
        Integer httpStatus = e.httpStatus() != null && (e.httpStatus() < 100 || e.httpStatus() > 599) ? null : e.httpStatus();
        return new IngestEvent(e.timestamp(), e.source(), e.environment(), e.release(), errorType,
                Utf8.truncate(message, Limits.MAX_MESSAGE_BYTES), e.appVersion(), e.buildNumber(),
                e.routeOrProcedure(), e.screen(), Utf8.truncate(e.stack(), Limits.MAX_STACK_BYTES), httpStatus,
                e.requestId(), e.userIdHash(), e.deviceIdHash(), fingerprint, metadata);
    }

    private void sendLoop() {
        long backoffMs = MIN_BACKOFF_MS;
        try {
            while (true) {
                if (!closing) {
                    pending.awaitWork(flushIntervalNanos, batchSize);
                }
                List<byte[]> batch = pending.take(batchSize, Limits.MAX_BODY_BYTES - Limits.ENVELOPE_BYTES);
                if (batch.isEmpty()) {
                    if (closing) {
                        return;
                    }
                    continue;
                }
                Transport.Outcome outcome = transport.send(batch);
                switch (outcome.kind()) {
                    case SENT, REFUSED -> {
                        pending.resolved(batch.size());
                        backoffMs = MIN_BACKOFF_MS;
                    }
                    case RETRY -> {
                        pending.putBack(batch);
                        long wait = outcome.retryAfterMillis() >= 0 ? outcome.retryAfterMillis() : jitter(backoffMs);
                        backoffMs = Math.min(maxBackoffMs, backoffMs * 2);
                        TimeUnit.MILLISECONDS.sleep(Math.min(wait, maxBackoffMs));
                    }
                }
            }
        } catch (InterruptedException e) {
            // close() ran out of time: what is left is abandoned (and counted) by close()
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "bloop sender stopped", e);
        }
    }

    private static long jitter(long ms) {
        return ms / 2 + ThreadLocalRandom.current().nextLong(ms / 2 + 1);
    }

    /** Builds a {@link BloopClient}; endpoint, secret, environment and release are required. */
    public static final class Builder {
        private URI endpoint;
        private String secret;
        private String projectKey;
        private String environment;
        private String release;
        private String source = "java";
        private String appVersion;
        private String buildNumber;
        private int queueCapacity = 1_000;
        private int batchSize = Limits.MAX_BATCH_EVENTS;
        private Duration flushInterval = Duration.ofSeconds(2);
        private Duration requestTimeout = Duration.ofSeconds(10);
        private Duration closeTimeout = Duration.ofSeconds(5);
        private Duration maxBackoff = Duration.ofSeconds(30);
        private boolean shutdownHook = true;
        private boolean captureUncaught;

        private Builder() {
        }

        /** The server's base URL, e.g. {@code https://bloop.example.com}. */
        public Builder endpoint(String endpoint) {
            return endpoint(URI.create(endpoint));
        }

        public Builder endpoint(URI endpoint) {
            this.endpoint = endpoint;
            return this;
        }

        /** The HMAC key: the project's ingest secret, or the server's {@code auth.hmac_secret} for the default project. */
        public Builder secret(String secret) {
            this.secret = secret;
            return this;
        }

        /** The project's public ingest key ({@code X-Project-Key}); leave unset for the default project. */
        public Builder projectKey(String projectKey) {
            this.projectKey = projectKey;
            return this;
        }

        public Builder environment(String environment) {
            this.environment = environment;
            return this;
        }

        public Builder release(String release) {
            this.release = release;
            return this;
        }

        /** A lowercase token, {@code [a-z0-9_-]{1,32}}; {@code java} by default. */
        public Builder source(String source) {
            this.source = source;
            return this;
        }

        public Builder appVersion(String appVersion) {
            this.appVersion = appVersion;
            return this;
        }

        public Builder buildNumber(String buildNumber) {
            this.buildNumber = buildNumber;
            return this;
        }

        /** Events held while the server is slow or away; beyond it the oldest are dropped. Default 1000. */
        public Builder queueCapacity(int queueCapacity) {
            this.queueCapacity = queueCapacity;
            return this;
        }

        /** Events per request, 1 to 50 (the server's cap). Default 50. */
        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /** How long a partial batch may wait before it is sent. Default 2 s. */
        public Builder flushInterval(Duration flushInterval) {
            this.flushInterval = flushInterval;
            return this;
        }

        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = requestTimeout;
            return this;
        }

        /** How long {@link BloopClient#close()} may take to send what is queued. Default 5 s. */
        public Builder closeTimeout(Duration closeTimeout) {
            this.closeTimeout = closeTimeout;
            return this;
        }

        /** The longest wait between retries. Default 30 s. */
        public Builder maxBackoff(Duration maxBackoff) {
            this.maxBackoff = maxBackoff;
            return this;
        }

        /** Close (and so flush) at JVM exit. Default true. */
        public Builder shutdownHook(boolean shutdownHook) {
            this.shutdownHook = shutdownHook;
            return this;
        }

        /** Also report uncaught exceptions of every thread, chaining to the previous handler. Default false. */
        public Builder captureUncaughtExceptions(boolean captureUncaught) {
            this.captureUncaught = captureUncaught;
            return this;
        }

        public BloopClient build() {
            Objects.requireNonNull(endpoint, "endpoint is required");
            if (endpoint.getScheme() == null || !List.of("http", "https").contains(endpoint.getScheme())) {
                throw new IllegalArgumentException("endpoint must be an http(s) URL, got " + endpoint);
            }
            require(secret, "secret");
            require(environment, "environment");
            require(release, "release");
            if (source == null || !SOURCE.matcher(source).matches()) {
                throw new IllegalArgumentException("source must match [a-z0-9_-]{1,32}, got " + source);
            }
            if (queueCapacity < 1) {
                throw new IllegalArgumentException("queueCapacity must be at least 1");
            }
            if (batchSize < 1 || batchSize > Limits.MAX_BATCH_EVENTS) {
                throw new IllegalArgumentException("batchSize must be between 1 and " + Limits.MAX_BATCH_EVENTS);
            }
            for (Duration d : List.of(flushInterval, requestTimeout, closeTimeout, maxBackoff)) {
                if (d == null || d.isNegative() || d.isZero()) {
                    throw new IllegalArgumentException("durations must be positive");
                }
            }
            return new BloopClient(this);
        }

        private static void require(String value, String name) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException(name + " is required");
            }
        }
    }
}
