package dev.bloop.service.sentry;

import dev.bloop.service.BloopTestApp;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;

/** Builds Sentry requests by hand, byte for byte, as the protocol reference describes them. */
final class SentryWire {
    private SentryWire() {
    }

    static String eventId() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    /** An envelope: the header line, then each item's header line and payload (with its length). */
    static String envelope(String header, String... typeAndPayload) {
        StringBuilder b = new StringBuilder(header).append('\n');
        for (int i = 0; i < typeAndPayload.length; i += 2) {
            String payload = typeAndPayload[i + 1];
            b.append("{\"type\":\"").append(typeAndPayload[i]).append("\",\"length\":")
                    .append(payload.getBytes(StandardCharsets.UTF_8).length).append("}\n").append(payload).append('\n');
        }
        return b.toString();
    }

    /** An envelope with one event item, its id in the envelope header as SDKs send it. */
    static String eventEnvelope(String eventId, String eventJson) {
        return envelope("{\"event_id\":\"" + eventId + "\",\"sent_at\":\"2026-01-01T00:00:00Z\"}", "event", eventJson);
    }

    static String auth(String key) {
        return "Sentry sentry_version=7, sentry_client=test/1.0, sentry_key=" + key;
    }

    static HttpResponse<String> post(BloopTestApp app, String pathAndQuery, byte[] body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(app.url(pathAndQuery)))
                .timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return BloopTestApp.send(b.build());
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** zlib-wrapped deflate, or raw deflate as some clients send it. */
    static byte[] deflate(byte[] data, boolean raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DeflaterOutputStream z = new DeflaterOutputStream(out, new Deflater(Deflater.DEFAULT_COMPRESSION, raw))) {
            z.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * A gzip envelope whose attachment inflates to {@code size} bytes of zeros: a few KB on the wire. An
     * attachment is skipped, never held, so only the decompressed-size cap can stop it.
     */
    static byte[] gzipBomb(long size) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(utf8("{}\n{\"type\":\"attachment\"}\n"));
            byte[] zeros = new byte[64 * 1024];
            for (long n = 0; n < size; n += zeros.length) {
                z.write(zeros);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A JavaScript error as @sentry/node sends it: frames caller to callee, marked in_app. */
    static String nodeError(String type, String value, String appFile, int line, String release) {
        return "{\"platform\":\"node\",\"level\":\"error\",\"release\":\"" + release + "\",\"environment\":\"prod\","
                + "\"timestamp\":1796045434.04,\"exception\":{\"values\":[{\"type\":\"" + type + "\",\"value\":\""
                + value + "\",\"mechanism\":{\"type\":\"generic\",\"handled\":true},\"stacktrace\":{\"frames\":["
                + "{\"filename\":\"node:internal/modules/run_main\",\"function\":\"run\",\"lineno\":117,\"colno\":5,"
                + "\"in_app\":false},"
                + "{\"filename\":\"/srv/app/node_modules/express/lib/router.js\",\"function\":\"handle\",\"lineno\":"
                + "47,\"colno\":12,\"in_app\":false},"
                + "{\"filename\":\"" + appFile + "\",\"function\":\"loadUser\",\"lineno\":" + line
                + ",\"colno\":9,\"in_app\":true},"
                + "{\"filename\":\"/srv/app/lib/vendored/orm.js\",\"function\":\"query\",\"lineno\":300,\"colno\":3,"
                + "\"in_app\":false}]}}]},"
                + "\"sdk\":{\"name\":\"sentry.javascript.node\",\"version\":\"11.12.0\"}}";
    }
}
