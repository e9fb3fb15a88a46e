package dev.bloop.service.sentry;

import static dev.bloop.service.auth.WebSession.json;
import static dev.bloop.service.sentry.SentryWire.auth;
import static dev.bloop.service.sentry.SentryWire.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bloop.service.BloopConfiguration;
import dev.bloop.service.BloopTestApp;
import dev.bloop.service.ConsoleCapture;
import dev.bloop.service.auth.Ceremonies;
import dev.bloop.service.auth.WebSession;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Over 500 malformed envelopes (truncated and lying lengths, broken JSON headers, huge declared
 * lengths, deep nesting, random bytes, gzip and deflate bombs, bodies over the caps, several at once):
 * every answer is a 2xx or a 4xx with a JSON reason, never a 5xx, the heap the server uses stays
 * bounded, and it still takes a good envelope afterwards.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class SentryFuzzIT {
    static {
        ConsoleCapture.install();
    }

    private static final BloopTestApp BLOOP = new BloopTestApp(Map.of("BLOOP__SENTRY__ENABLED", "true",
            "BLOOP__SENTRY__MAX_IN_FLIGHT", "8MiB"));
    static final DropwizardAppExtension<BloopConfiguration> APP = BLOOP.extension();
    private static String key;
    private static String path;

    @BeforeAll
    static void dsn() {
        WebSession admin = Ceremonies.registerFirstAdmin(BLOOP, "ann", Ceremonies.passkey(BLOOP));
        URI dsn = URI.create(json(admin.get("/v1/projects/default")).get("dsn").asText());
        key = dsn.getUserInfo();
        path = "/api" + dsn.getPath() + "/envelope/";
    }

    private static final String GOOD = SentryWire.envelope("{\"event_id\":\"0123456789abcdef0123456789abcdef\"}",
            "event", SentryWire.nodeError("TypeError", "fuzz 1", "/srv/app/a.js", 3, "1.0"),
            "session", "{\"sid\":\"s1\",\"init\":true,\"status\":\"ok\",\"attrs\":{\"release\":\"1.0\"}}",
            "client_report", "{\"discarded_events\":[{\"reason\":\"sample_rate\",\"category\":\"error\",\"quantity\":1}]}");

    /** One malformed or hostile body and the Content-Encoding to send it with (null: none). */
    private record Case(String what, byte[] body, String encoding) {
    }

    private static List<Case> cases(Random random) {
        List<Case> out = new ArrayList<>();
        byte[] good = utf8(GOOD);
        // Truncated anywhere: lengths that run past the end, headers cut mid-JSON.
        for (int i = 0; i < 150; i++) {
            out.add(new Case("truncated", java.util.Arrays.copyOf(good, random.nextInt(good.length)), null));
        }
        // Single-byte mutations: broken JSON, wrong lengths, stray newlines.
        byte[] noise = utf8("{}[]\":,\n\r\u0000x9-");
        for (int i = 0; i < 200; i++) {
            byte[] b = good.clone();
            for (int k = 0, n = 1 + random.nextInt(4); k < n; k++) {
                b[random.nextInt(b.length)] = noise[random.nextInt(noise.length)];
            }
            out.add(new Case("mutated", b, null));
        }
        // Lying and huge lengths, bad types, bad headers.
        String[] items = {
            "{\"type\":\"event\",\"length\":999999999999}\n{}",
            "{\"type\":\"event\",\"length\":9223372036854775807}\n{}",
            "{\"type\":\"event\",\"length\":1.5}\n{}",
            "{\"type\":\"event\",\"length\":\"12\"}\n{}",
            "{\"type\":\"attachment\",\"length\":1048576000}\nabc",
            "{\"type\":7}\n{}",
            "{\"type\":\"\"}\n{}",
            "[\"type\",\"event\"]\n{}",
            "{\"type\":\"event\"}\n" + "[".repeat(100_000),
            "{\"type\":\"event\"}\n{\"exception\":" + "{\"values\":[".repeat(2000) + "\n",
            "{\"type\":\"event\"}\n{\"exception\":{\"values\":{\"type\":{\"nested\":1},\"value\":[1]}},\"tags\":7}",
            "{\"type\":\"event\"}\n{\"timestamp\":\"yesterday\",\"release\":{},\"user\":[],\"contexts\":\"x\"}",
            "{\"type\":\"session\"}\n{\"attrs\":{\"release\":[]},\"errors\":\"many\",\"init\":\"yes\"}",
            "{\"type\":\"sessions\"}\n{\"aggregates\":{\"exited\":-5},\"attrs\":{\"release\":\"r\"}}",
            "{\"type\":\"client_report\"}\n{\"discarded_events\":[{\"reason\":null,\"quantity\":1e308}]}",
            "{\"type\":\"event\"}\n\"just a string\"",
            "{\"type\":\"event\"}\nNaN",
        };
        for (int i = 0; i < 68; i++) {
            String header = i % 4 == 0 ? "{\"event_id\":42}" : i % 4 == 1 ? "{\"dsn\":17}" : i % 4 == 2 ? "{}" : "{\"dsn\":\"::\"}";
            out.add(new Case("items", utf8(header + "\n" + items[i % items.length]), null));
        }
        for (String header : List.of("{", "null", "[]", "\"x\"", "{\"a\":" + "[".repeat(50_000), "x".repeat(100_000))) {
            out.add(new Case("envelope header", utf8(header + "\n{\"type\":\"event\"}\n{}"), null));
        }
        // Random bytes, plain and claiming to be compressed.
        for (int i = 0; i < 60; i++) {
            byte[] b = new byte[random.nextInt(4096)];
            random.nextBytes(b);
            out.add(new Case("random", b, i % 3 == 0 ? "gzip" : i % 3 == 1 ? "deflate" : null));
        }
        // Compressed, then cut or corrupted.
        for (int i = 0; i < 40; i++) {
            byte[] z = i % 2 == 0 ? SentryWire.gzip(good) : SentryWire.deflate(good, i % 4 == 1);
            byte[] cut = java.util.Arrays.copyOf(z, random.nextInt(z.length));
            if (i % 3 == 0 && cut.length > 12) {
                cut[10 + random.nextInt(cut.length - 10)] ^= 0x5A;
            }
            out.add(new Case("compressed, cut", cut, i % 2 == 0 ? "gzip" : "deflate"));
        }
        // Bombs: a few KB that inflate to gigabytes, gzip and deflate.
        for (int i = 0; i < 6; i++) {
            out.add(new Case("gzip bomb", SentryWire.gzipBomb((64L + i) << 20), "gzip"));
            out.add(new Case("deflate bomb", deflateBomb((64L + i) << 20), "deflate"));
        }
        // Over the compressed cap.
        out.add(new Case("too large", new byte[2 << 20], null));
        return out;
    }

    private static byte[] deflateBomb(long size) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (var z = new java.util.zip.DeflaterOutputStream(out)) {
            z.write(utf8("{}\n{\"type\":\"event\"}\n"));
            byte[] spaces = new byte[64 * 1024];
            java.util.Arrays.fill(spaces, (byte) ' ');
            for (long n = 0; n < size; n += spaces.length) {
                z.write(spaces);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static HttpResponse<String> send(Case c) {
        List<String> headers = new ArrayList<>(List.of("X-Sentry-Auth", auth(key)));
        if (c.encoding() != null) {
            headers.add("Content-Encoding");
            headers.add(c.encoding());
        }
        try {
            return SentryWire.post(BLOOP, path, c.body(), headers.toArray(String[]::new));
        } catch (IllegalStateException e) {
            // A hostile envelope refused before its body was read leaves the connection closing; a pooled
            // connection the server has just closed gets no answer at all. Like an SDK's transport, send once
            // more on a new connection: what is checked is the answer, never a 5xx.
            if (e.getCause() instanceof java.io.IOException io && String.valueOf(io.getMessage()).contains("no bytes")) {
                return SentryWire.post(BLOOP, path, c.body(), headers.toArray(String[]::new));
            }
            throw e;
        }
    }

    private static long heapUsedAfterGc() {
        System.gc();
        long used = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                used += pool.getUsage().getUsed();
            }
        }
        return used;
    }

    private static void assertAnswered(Case c, HttpResponse<String> r) {
        String shown = new String(c.body(), 0, Math.min(200, c.body().length), StandardCharsets.ISO_8859_1);
        assertThat(r.statusCode()).as("%s: %s -> %s", c.what(), shown, r.body()).isLessThan(500);
        assertThat(r.body()).as("%s: %s", c.what(), shown).startsWith("{");
        if (r.statusCode() >= 400) {
            JsonNode error = json(r).get("error");
            assertThat(error).as("%s: %s -> %s", c.what(), shown, r.body()).isNotNull();
        }
    }

    @Test
    void malformedEnvelopesNeverCauseA5xxAndTheHeapStaysBounded() throws Exception {
        long before = heapUsedAfterGc();
        List<Case> cases = cases(new Random(20261130L));
        assertThat(cases.size()).isGreaterThanOrEqualTo(500);
        int refused = 0;
        for (Case c : cases) {
            HttpResponse<String> r = send(c);
            assertAnswered(c, r);
            if (r.statusCode() >= 400) {
                refused++;
            }
        }
        assertThat(refused).as("most of them are refused").isGreaterThan(cases.size() / 2);

        // Several at once: bombs and large bodies together stay within the in-flight budget (429 past it).
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> running = new ArrayList<>();
            List<Case> heavy = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                heavy.add(i % 3 == 0 ? new Case("parallel gzip bomb", SentryWire.gzipBomb(256L << 20), "gzip")
                        : i % 3 == 1 ? new Case("parallel large", new byte[900 * 1024], null)
                        : new Case("parallel deflate bomb", deflateBomb(128L << 20), "deflate"));
            }
            for (Case c : heavy) {
                running.add(pool.submit(() -> assertAnswered(c, send(c))));
            }
            for (Future<?> f : running) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        long after = heapUsedAfterGc();
        assertThat(after - before).as("heap growth in bytes after %d hostile requests", cases.size() + 24)
                .isLessThan(48L << 20);

        HttpResponse<String> ok = SentryWire.post(BLOOP, path, utf8(GOOD), "X-Sentry-Auth", auth(key));
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertThat(json(BLOOP.get(BLOOP.url("/health"))).get("status").asText()).isEqualTo("ok");
    }
}
