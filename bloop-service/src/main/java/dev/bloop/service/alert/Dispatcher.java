package dev.bloop.service.alert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bloop.api.AlertTestResults;
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
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
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

    private final AlertStore store;
    private final ObjectMapper json;
    private final TargetGuard guard;
    private final SmtpConfig smtp;
    private final Duration timeout;
    private final int attempts;
    private final int queueSize;
    private final CloseableHttpClient http;
    private final ConcurrentHashMap<String, ThreadPoolExecutor> queues = new ConcurrentHashMap<>();
    private volatile boolean stopped;

    Dispatcher(AlertStore store, ObjectMapper json, AlertConfig config, SmtpConfig smtp) {
        this(store, json, config, smtp, new TargetGuard(config.isAllowPrivateTargets()));
    }

    Dispatcher(AlertStore store, ObjectMapper json, AlertConfig config, SmtpConfig smtp, TargetGuard guard) {
        this.store = store;
        this.json = json;
        this.guard = guard;
        this.smtp = smtp;
        this.timeout = Duration.ofMillis(config.getDeliveryTimeout().toMilliseconds());
        this.attempts = config.getDeliveryAttempts();
        this.queueSize = config.getDeliveryQueue();
        this.http = httpClient(guard, timeout);
    }

    /**
     * HTTP/1.1 without redirects, retries (ours are explicit), cookies or proxies (a proxy would resolve
     * the name itself), connecting only to the addresses the guard's resolver has just checked.
     */
    private static CloseableHttpClient httpClient(TargetGuard guard, Duration timeout) {
        Timeout t = Timeout.ofMilliseconds(timeout.toMillis());
        PoolingHttpClientConnectionManager connections = PoolingHttpClientConnectionManagerBuilder.create()
                .setDnsResolver(guard.dns())
                .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(t).setSocketTimeout(t)
                        .setTimeToLive(TimeValue.ofMinutes(1)).build())
                .setMaxConnTotal(64).setMaxConnPerRoute(2)
                .build();
        return HttpClients.custom().setConnectionManager(connections)
                .setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(t)
                        .setConnectionRequestTimeout(t).setRedirectsEnabled(false).build())
                .disableRedirectHandling().disableAutomaticRetries().disableCookieManagement()
                .disableAuthCaching().setUserAgent("bloop-alerts").build();
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
    List<AlertTestResults.ChannelAttempt> test(long ruleId, List<Target> targets, Notification n) {
        List<AlertTestResults.ChannelAttempt> results = new ArrayList<>();
        for (Target t : targets) {
            String target = ChannelConfigs.target(t.config());
            long deliveryId = store.insertDelivery(ruleId, t.id(), t.type(), target, n.fingerprint(), System.currentTimeMillis());
            Attempt a = attempt(t, n);
            store.completeDelivery(deliveryId, a.error() == null ? "sent" : "failed", 1, a.error(), System.currentTimeMillis());
            results.add(new AlertTestResults.ChannelAttempt(t.id(), t.type(), target, a.error() == null ? "sent" : "failed", a.error()));
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
        // A readable refusal before any connection; the client's resolver enforces it again at connect.
        String refusal = guard.refusal(uri);
        if (refusal != null) {
            return new Attempt("refused: " + refusal, false);
        }
        HttpPost request = new HttpPost(uri);
        request.setEntity(new ByteArrayEntity(body, ContentType.APPLICATION_JSON));
        if (secret != null) {
            request.setHeader("X-Bloop-Signature", Signatures.sign(secret, body));
        }
        try {
            int status = http.execute(request, response -> {
                EntityUtils.consume(response.getEntity());
                return response.getCode();
            });
            if (status / 100 == 2) {
                return Attempt.OK;
            }
            return new Attempt("HTTP " + status, status >= 500 || status == 429);
        } catch (TargetGuard.Refused e) {
            return new Attempt("refused: " + e.getMessage(), false);
        } catch (IOException e) {
            return new Attempt(e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()), true);
        }
    }

    /**
     * Slack's incoming-webhook text. Event data is escaped ({@code &}, {@code <}, {@code >}) as Slack
     * asks, so a message cannot ping the channel ({@code <!channel>}) or disguise a link
     * ({@code <https://evil|Open in bloop>}); the one real link is ours.
     */
    private byte[] slackBody(Notification n) throws JsonProcessingException {
        ObjectNode body = json.createObjectNode();
        body.put("text", "*" + slack(n.reason()) + "* (rule \"" + slack(n.rule().name()) + "\")\n*" + slack(n.errorType())
                + "*: " + slack(n.message()) + "\nrelease `" + slack(n.release()) + "` · environment `"
                + slack(n.environment()) + "` · " + n.count() + (n.count() == 1 ? " event" : " events")
                + (n.assignee() == null ? "" : " · assigned to " + slack(n.assignee()))
                + (n.url() == null ? "" : "\n<" + n.url() + "|Open in bloop>"));
        return json.writeValueAsBytes(body);
    }

    static String slack(String text) {
        if (text == null) {
            return "-";
        }
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
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
        try {
            http.close();
        } catch (IOException e) {
            LOG.debug("Closing the alert HTTP client failed", e);
        }
    }
}
