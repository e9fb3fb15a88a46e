package dev.bloop.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bloop.api.Signatures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/** One signed POST of a batch to {@code /v1/ingest/batch}, and what the answer means for the batch. */
final class Transport {
    private static final System.Logger LOG = System.getLogger("dev.bloop.client");

    /** What to do with a batch after one attempt. */
    record Outcome(Kind kind, long retryAfterMillis) {
        enum Kind { SENT, REFUSED, RETRY }

        static final Outcome SENT = new Outcome(Kind.SENT, 0);
        static final Outcome REFUSED = new Outcome(Kind.REFUSED, 0);

        static Outcome retry(long millis) {
            return new Outcome(Kind.RETRY, millis);
        }
    }

    private final HttpClient http;
    private final URI batchUri;
    private final String secret;
    private final String projectKey;
    private final Duration timeout;
    private final ObjectMapper json;

    Transport(HttpClient http, URI endpoint, String secret, String projectKey, Duration timeout, ObjectMapper json) {
        this.http = http;
        this.batchUri = endpoint.resolve("/v1/ingest/batch");
        this.secret = secret;
        this.projectKey = projectKey;
        this.timeout = timeout;
        this.json = json;
    }

    static byte[] envelope(List<byte[]> events) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Limits.ENVELOPE_BYTES + events.size() * 512);
        out.writeBytes("{\"events\":[".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        for (int i = 0; i < events.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            out.writeBytes(events.get(i));
        }
        out.writeBytes("]}".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    /** {@code -1} as retryAfterMillis means: back off by your own schedule. */
    Outcome send(List<byte[]> events) throws InterruptedException {
        byte[] body = envelope(events);
        HttpRequest.Builder request = HttpRequest.newBuilder(batchUri)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header(Signatures.HEADER, Signatures.sign(secret, body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (projectKey != null) {
            request.header(Signatures.PROJECT_KEY_HEADER, projectKey);
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "bloop unreachable, will retry: " + e);
            return Outcome.retry(-1);
        }
        int status = response.statusCode();
        if (status == 200) {
            logRefusedItems(response.body());
            return Outcome.SENT;
        }
        if (status == 429 || status == 503) {
            return Outcome.retry(retryAfter(response));
        }
        if (status >= 500) {
            return Outcome.retry(-1);
        }
        // 4xx: retrying the same bytes cannot help (bad signature, unknown key, invalid batch).
        LOG.log(System.Logger.Level.ERROR, "bloop refused " + events.size() + " events with " + status + ": "
                + abbreviate(response.body()));
        return Outcome.REFUSED;
    }

    private void logRefusedItems(String body) {
        try {
            JsonNode errors = json.readTree(body).path("errors");
            for (JsonNode e : errors) {
                LOG.log(System.Logger.Level.WARNING, "bloop refused an event: " + e.path("error").asText());
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "unreadable batch answer: " + abbreviate(body));
        }
    }

    private static long retryAfter(HttpResponse<?> response) {
        return response.headers().firstValue("Retry-After").map(v -> {
            try {
                return Math.max(0, Long.parseLong(v.trim())) * 1000;
            } catch (NumberFormatException e) {
                return 1000L; // an HTTP-date: rare here, a second is a fine guess
            }
        }).orElse(1000L);
    }

    private static String abbreviate(String s) {
        return s == null ? "" : s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }
}
