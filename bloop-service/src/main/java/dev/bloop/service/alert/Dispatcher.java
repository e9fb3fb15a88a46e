package dev.bloop.service.alert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bloop.api.Signatures;
import io.dropwizard.lifecycle.Managed;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends notifications off the writer thread: one single-threaded bounded queue per target, so a slow
 * or dead channel delays only its own notifications, never another rule's or the writer; a timeout
 * per attempt, no redirects, retries with backoff for network errors, 5xx and 429, and a delivery
 * log row per target with its outcome.
 */
final class Dispatcher implements Managed {
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
    private static final long FIRST_BACKOFF_MS = 1_000;

    /** A channel to send to; {@code id} is null for the configured default channels. */
    record Target(Long id, String type, ObjectNode config) {
    }

    /** The outcome of one channel in a test send. */
    record Result(@com.fasterxml.jackson.annotation.JsonProperty("channel_id") Long channelId,
                  @com.fasterxml.jackson.annotation.JsonProperty("type") String type,
                  @com.fasterxml.jackson.annotation.JsonProperty("target") String target,
                  @com.fasterxml.jackson.annotation.JsonProperty("status") String status,
                  @com.fasterxml.jackson.annotation.JsonProperty("error") String error) {
    }

    private final AlertStore store;
    private final ObjectMapper json;
    private final TargetGuard guard;
    private final SmtpConfig smtp;
    private final Duration timeout;
    private final int attempts;
    private final int queueSize;
    private final HttpClient http;
    private final ConcurrentHashMap<String, ThreadPoolExecutor> queues = new ConcurrentHashMap<>();
    private volatile boolean stopped;

    Dispatcher(AlertStore store, ObjectMapper json, AlertConfig config, SmtpConfig smtp) {
        this.store = store;
        this.json = json;
        this.guard = new TargetGuard(config.isAllowPrivateTargets());
        this.smtp = smtp;
        this.timeout = Duration.ofMillis(config.getDeliveryTimeout().toMilliseconds());
        this.attempts = config.getDeliveryAttempts();
        this.queueSize = config.getDeliveryQueue();
        // HTTP/1.1: the JDK's h2c upgrade headers on plain http confuse some webhook receivers.
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** The queue of one target; its thread ends after a minute without work. */
    private ThreadPoolExecutor queueFor(String target) {
        return queues.computeIfAbsent(target, t -> {
            ThreadPoolExecutor q = new ThreadPoolExecutor(1, 1, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queueSize), r -> {
                Thread thread = new Thread(r, "bloop-alert-delivery");
                thread.setDaemon(true);
                return thread;
            });
            q.allowCoreThreadTimeOut(true);
            return q;
        });
    }

    TargetGuard guard() {
        return guard;
    }

    boolean smtpEnabled() {
        return smtp.isEnabled();
    }

    /** Queues the notification for every target; each gets a delivery log row at once. */
    void dispatch(long ruleId, List<Target> targets, Notification n) {
        for (Target t : targets) {
            String target = ChannelConfigs.target(t.config());
            long deliveryId = store.insertDelivery(ruleId, t.id(), t.type(), target, n.fingerprint(),
                    System.currentTimeMillis());
            try {
                if (stopped) {
                    throw new RejectedExecutionException("stopped");
                }
                queueFor(target).execute(() -> deliver(deliveryId, t, n));
            } catch (RejectedExecutionException e) {
                store.completeDelivery(deliveryId, "failed", 0, "delivery queue full", System.currentTimeMillis());
                LOG.warn("Alert delivery queue full; notification for rule {} to {} not sent", ruleId, t.type());
            }
        }
    }

    /** One attempt per target, now, for POST /v1/alerts/{id}/test; logged like any delivery. */
    List<Result> test(long ruleId, List<Target> targets, Notification n) {
        List<Result> results = new ArrayList<>();
        for (Target t : targets) {
            String target = ChannelConfigs.target(t.config());
            long deliveryId = store.insertDelivery(ruleId, t.id(), t.type(), target, n.fingerprint(), System.currentTimeMillis());
            Attempt a = attempt(t, n);
            store.completeDelivery(deliveryId, a.error() == null ? "sent" : "failed", 1, a.error(), System.currentTimeMillis());
            results.add(new Result(t.id(), t.type(), target, a.error() == null ? "sent" : "failed", a.error()));
        }
        return results;
    }

    private void deliver(long deliveryId, Target t, Notification n) {
        long backoff = FIRST_BACKOFF_MS;
        Attempt last = null;
        int tries = 0;
        while (tries < attempts) {
            tries++;
            last = attempt(t, n);
            if (last.error() == null || !last.retryable()) {
                break;
            }
            if (tries < attempts) {
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
                backoff *= 2;
            }
        }
        store.completeDelivery(deliveryId, last.error() == null ? "sent" : "failed", tries, last.error(),
                System.currentTimeMillis());
        if (last.error() != null) {
            LOG.warn("Alert to {} failed after {} attempts: {}", t.type(), tries, last.error());
        }
    }

    private record Attempt(String error, boolean retryable) {
        static final Attempt OK = new Attempt(null, false);
    }

    private Attempt attempt(Target t, Notification n) {
        try {
            return switch (t.type()) {
                case ChannelConfigs.SLACK -> post(t.config().path("webhook_url").asText(), slackBody(n), null);
                case ChannelConfigs.WEBHOOK -> post(t.config().path("url").asText(), json.writeValueAsBytes(n),
                        t.config().hasNonNull("secret") ? t.config().get("secret").asText() : null);
                case ChannelConfigs.EMAIL -> email(t.config().path("to"), n);
                default -> new Attempt("unknown channel type " + t.type(), false);
            };
        } catch (JsonProcessingException e) {
            return new Attempt("cannot encode the notification: " + e.getOriginalMessage(), false);
        }
    }

    private Attempt post(String url, byte[] body, String secret) {
        URI uri = URI.create(url);
        String refusal = guard.refusal(uri);
        if (refusal != null) {
            return new Attempt("refused: " + refusal, false);
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout)
                .header("Content-Type", "application/json").header("User-Agent", "bloop-alerts")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (secret != null) {
            request.header("X-Bloop-Signature", Signatures.sign(secret, body));
        }
        try {
            HttpResponse<Void> response = http.send(request.build(), HttpResponse.BodyHandlers.discarding());
            int status = response.statusCode();
            if (status / 100 == 2) {
                return Attempt.OK;
            }
            return new Attempt("HTTP " + status, status >= 500 || status == 429);
        } catch (IOException e) {
            return new Attempt(e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()), true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Attempt("interrupted", false);
        }
    }

    private byte[] slackBody(Notification n) throws JsonProcessingException {
        ObjectNode body = json.createObjectNode();
        body.put("text", "*" + n.reason() + "* (rule \"" + n.rule().name() + "\")\n*" + n.errorType() + "*: " + n.message()
                + "\nrelease `" + n.release() + "` · environment `" + n.environment() + "` · " + n.count()
                + (n.count() == 1 ? " event" : " events") + "\n<" + n.url() + "|Open in bloop>");
        return json.writeValueAsBytes(body);
    }

    private Attempt email(JsonNode to, Notification n) {
        if (!smtp.isEnabled()) {
            return new Attempt("no smtp server is configured (smtp.host)", false);
        }
        Properties props = new Properties();
        props.put("mail.smtp.host", smtp.getHost());
        props.put("mail.smtp.port", Integer.toString(smtp.getPort()));
        props.put("mail.smtp.connectiontimeout", Long.toString(timeout.toMillis()));
        props.put("mail.smtp.timeout", Long.toString(timeout.toMillis()));
        props.put("mail.smtp.writetimeout", Long.toString(timeout.toMillis()));
        props.put("mail.smtp.starttls.enable", Boolean.toString(smtp.isStarttls()));

        boolean auth = smtp.getUsername() != null && !smtp.getUsername().isBlank();
        props.put("mail.smtp.auth", Boolean.toString(auth));
        try {
            MimeMessage message = new MimeMessage(Session.getInstance(props));
            message.setFrom(new InternetAddress(smtp.getFrom()));
            for (JsonNode address : to) {
                message.addRecipient(Message.RecipientType.TO, new InternetAddress(address.asText()));
            }
            message.setSubject(abbreviate(n.title(), 200), StandardCharsets.UTF_8.name());
            message.setText(n.text(), StandardCharsets.UTF_8.name());
            message.setSentDate(new Date(n.timestamp()));
            if (auth) {
                Transport.send(message, smtp.getUsername(), smtp.getPassword());
            } else {
                Transport.send(message);
            }
            return Attempt.OK;
        } catch (MessagingException e) {
            return new Attempt("smtp: " + e.getMessage(), true);
        }
    }

    private static String abbreviate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    /** Lets queued deliveries finish for one timeout, then gives up on the rest. */
    @Override
    public void stop() throws InterruptedException {
        stopped = true;
        queues.values().forEach(ThreadPoolExecutor::shutdown);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeout.toMillis() + 1000);
        for (ThreadPoolExecutor q : queues.values()) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !q.awaitTermination(left, TimeUnit.NANOSECONDS)) {
                q.shutdownNow();
            }
        }
    }
}
