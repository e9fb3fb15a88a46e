package dev.bloop.service.llm.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bloop.service.BloopConfiguration;
import dev.bloop.service.BloopTestApp;
import dev.bloop.service.access.Scope;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The LLM proxy end to end over real HTTP: a client calls bloop, bloop calls a stand-in provider on
 * 127.0.0.1 that replays recorded answers, and the test compares what the client got with what the
 * same call got directly from the stand-in, then reads the recorded trace from the query API. Costs
 * are worked out by hand from the shipped price table (dollars per million tokens).
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class LlmProxyIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final StandInProvider PROVIDER = standIn();
    private static final BloopTestApp BLOOP = new BloopTestApp(Map.of(
            "BLOOP__LLM_TRACING__ENABLED", "true",
            "BLOOP__LLM_TRACING__FLUSH_BATCH_SIZE", "1",
            "BLOOP__LLM_TRACING__PROXY__OPENAI_BASE_URL", PROVIDER.baseUrl(),
            "BLOOP__LLM_TRACING__PROXY__ANTHROPIC_BASE_URL", PROVIDER.rootUrl()));
    static final DropwizardAppExtension<BloopConfiguration> APP = BLOOP.extension();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final AtomicInteger PROJECTS = new AtomicInteger();

    static StandInProvider standIn() {
        try {
            return new StandInProvider(0, Path.of("src", "test", "resources", "llm-proxy"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A project of its own: [token with llm:write and llm:read]. */
    private static String project() {
        int n = PROJECTS.incrementAndGet();
        String id = "p-proxy-" + n;
        BLOOP.addProject(id, "proxy-" + n, "bloop_pk_proxy_" + n, "bloop_sk_proxy_secret_" + n);
        return BLOOP.token("proxy", id, Scope.LLM_READ, Scope.LLM_WRITE);
    }

    private static HttpResponse<byte[]> call(String url, String body, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20));
        b = body == null ? b.GET() : b.POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        try {
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static HttpResponse<byte[]> viaBloop(String provider, String path, String body, String token,
                                                 Map<String, String> more) {
        Map<String, String> h = new HashMap<>(more);
        h.putIfAbsent("Content-Type", "application/json");
        if (token != null) {
            h.put("X-Bloop-Token", token);
        }
        return call(BLOOP.url("/v1/proxy/" + provider + "/" + path), body, h);
    }

    private static HttpResponse<byte[]> direct(String path, String body, Map<String, String> more) {
        Map<String, String> h = new HashMap<>(more);
        h.putIfAbsent("Content-Type", "application/json");
        return call(PROVIDER.baseUrl() + "/" + path, body, h);
    }

    private static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    private static JsonNode get(BloopTestApp app, String path, String token) {
        HttpResponse<byte[]> r = call(app.url(path), null, Map.of("Authorization", "Bearer " + token));
        try {
            return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The recorded trace once it satisfies {@code done}, failing after 15 s. */
    static JsonNode trace(String token, String id, Predicate<JsonNode> done) {
        return trace(BLOOP, token, id, done);
    }

    /** The recorded trace in that bloop once it satisfies {@code done}, failing after 15 s. */
    static JsonNode trace(BloopTestApp app, String token, String id, Predicate<JsonNode> done) {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = get(app, "/v1/llm/traces/" + id, token);
            if (last != null && done.test(last)) {
                return last;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("trace " + id + " not recorded as expected; last: " + last);
    }

    static JsonNode span(String token, HttpResponse<byte[]> r) {
        String id = r.headers().firstValue("X-Bloop-Trace-Id").orElseThrow();
        return trace(token, id, t -> t.get("spans").size() > 0).get("spans").get(0);
    }

    private static final String CHAT = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":"
            + "\"What is the capital of France?\"}]}";
    private static final String CHAT_STREAM = "{\"model\":\"gpt-4o\",\"stream\":true,\"messages\":[{\"role\":\"user\","
            + "\"content\":\"What is the capital of France?\"}]}";
    private static final Map<String, String> OPENAI_KEY = Map.of("Authorization", "Bearer sk-test-openai");

    @Test
    void aNonStreamingChatCallIsPassedThroughUnchangedAndRecordedWithUsageCostAndNoTimeToFirstToken() {
        String token = project();
        HttpResponse<byte[]> direct = direct("chat/completions", CHAT, OPENAI_KEY);
        int before = PROVIDER.requests.size();
        HttpResponse<byte[]> proxied = viaBloop("openai", "chat/completions", CHAT, token, OPENAI_KEY);

        assertThat(proxied.statusCode()).isEqualTo(200);
        assertThat(proxied.body()).isEqualTo(direct.body());
        assertThat(proxied.headers().firstValue("x-request-id")).hasValue("req_standin_1");
        assertThat(proxied.headers().firstValue("content-type")).hasValue("application/json");
        // The server's own Date, not a second one copied from the provider.
        assertThat(proxied.headers().allValues("Date")).hasSize(1);
        // The caller's User-Agent reached the provider, not one of the upstream client's own.
        assertThat(PROVIDER.requests.get(before).header("User-Agent")).startsWith("Java-http-client");
        assertThat(Double.parseDouble(proxied.headers().firstValue("X-Bloop-Overhead-Ms").orElseThrow()))
                .isGreaterThanOrEqualTo(0);
        // The provider got the caller's own key and the body as sent; bloop's token stayed with bloop.
        StandInProvider.Seen seen = PROVIDER.requests.get(before);
        assertThat(seen.header("Authorization")).isEqualTo("Bearer sk-test-openai");
        assertThat(seen.header("X-Bloop-Token")).isNull();
        assertThat(seen.body()).isEqualTo(CHAT);

        JsonNode span = span(token, proxied);
        assertThat(span.get("model").asText()).isEqualTo("gpt-4o-2024-08-06");
        assertThat(span.get("provider").asText()).isEqualTo("openai");
        assertThat(span.get("status").asText()).isEqualTo("ok");
        // prompt 1200 of which 1000 cached; 80 out.
        assertThat(span.get("tokens").get("input_uncached").asLong()).isEqualTo(200);
        assertThat(span.get("tokens").get("cache_read").asLong()).isEqualTo(1000);
        assertThat(span.get("tokens").get("output").asLong()).isEqualTo(80);
        // gpt-4o: 200 × 2.50 + 1000 × 1.25 + 80 × 10.00 = 2550 µ$ per million → $0.00255.
        assertThat(span.get("cost").decimalValue()).isEqualByComparingTo("0.00255");
        assertThat(span.get("time_to_first_token_ms").isNull()).isTrue();
        assertThat(span.get("latency_ms").asLong()).isGreaterThanOrEqualTo(0);
        // Content storage is none by default: no prompt, no completion.
        assertThat(span.get("input").isNull()).isTrue();
        assertThat(span.get("output").isNull()).isTrue();
    }

    @Test
    void aStreamWhoseClientDidNotAskForUsageGetsTheSameBytesWhileBloopStillRecordsTheUsage() {
        String token = project();
        HttpResponse<byte[]> direct = direct("chat/completions", CHAT_STREAM, OPENAI_KEY);
        int before = PROVIDER.requests.size();
        HttpResponse<byte[]> proxied = viaBloop("openai", "chat/completions", CHAT_STREAM, token, OPENAI_KEY);

        assertThat(text(direct)).doesNotContain("\"usage\":{").endsWith("data: [DONE]\n\n");
        assertThat(text(proxied)).isEqualTo(text(direct));
        assertThat(proxied.headers().firstValue("content-type").orElseThrow()).startsWith("text/event-stream");
        // bloop asked the provider for usage on the client's behalf.
        assertThat(PROVIDER.requests.get(before).body()).contains("\"stream_options\":{\"include_usage\":true}");

        JsonNode span = span(token, proxied);
        assertThat(span.get("tokens").get("input_uncached").asLong()).isEqualTo(200);
        assertThat(span.get("tokens").get("output").asLong()).isEqualTo(80);
        assertThat(span.get("cost").decimalValue()).isEqualByComparingTo("0.00255");
        assertThat(span.get("time_to_first_token_ms").isNumber()).isTrue();
        assertThat(span.get("time_to_first_token_ms").asLong()).isLessThanOrEqualTo(span.get("latency_ms").asLong());
        assertThat(span.get("status").asText()).isEqualTo("ok");
    }

    @Test
    void aStreamWhoseClientAskedForUsageKeepsItsOwnOptionsAndGetsTheUsageChunk() {
        String token = project();
        String body = "{\"model\":\"gpt-4o\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
        HttpResponse<byte[]> direct = direct("chat/completions", body, OPENAI_KEY);
        int before = PROVIDER.requests.size();
        HttpResponse<byte[]> proxied = viaBloop("openai", "chat/completions", body, token, OPENAI_KEY);
        assertThat(text(direct)).contains("\"choices\":[],\"usage\":{");
        assertThat(text(proxied)).isEqualTo(text(direct));
        assertThat(PROVIDER.requests.get(before).body()).isEqualTo(body);
        assertThat(span(token, proxied).get("tokens").get("output").asLong()).isEqualTo(80);
    }

    @Test
    void aResponsesApiStreamIsRecordedFromItsCompletedEventWithReasoningAndCachedInput() {
        String token = project();
        String body = "{\"model\":\"o4-mini\",\"stream\":true,\"input\":\"2+2?\"}";
        HttpResponse<byte[]> direct = direct("responses", body, OPENAI_KEY);
        HttpResponse<byte[]> proxied = viaBloop("openai", "responses", body, token, OPENAI_KEY);
        assertThat(text(proxied)).isEqualTo(text(direct));

        JsonNode span = span(token, proxied);
        assertThat(span.get("model").asText()).isEqualTo("o4-mini-2025-04-16");
        assertThat(span.get("tokens").get("input_uncached").asLong()).isEqualTo(1600);
        assertThat(span.get("tokens").get("cache_read").asLong()).isEqualTo(400);
        assertThat(span.get("tokens").get("output").asLong()).isEqualTo(300);
        assertThat(span.get("tokens").get("reasoning").asLong()).isEqualTo(256);
        // o4-mini: 1600 × 1.10 + 400 × 0.275 + 300 × 4.40 = 3190 µ$ per million → $0.00319.
        assertThat(span.get("cost").decimalValue()).isEqualByComparingTo("0.00319");
        assertThat(span.get("time_to_first_token_ms").isNumber()).isTrue();
    }

    @Test
    void anAnthropicStreamTakesInputFromMessageStartAndOverwritesOutputWithTheCumulativeMessageDelta() {
        String token = project();
        String body = "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":1024,\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}";
        Map<String, String> key = Map.of("x-api-key", "sk-ant-test", "anthropic-version", "2023-06-01");
        HttpResponse<byte[]> direct = direct("messages", body, key);
        int before = PROVIDER.requests.size();
        HttpResponse<byte[]> proxied = viaBloop("anthropic", "v1/messages", body, token, key);
        assertThat(text(proxied)).isEqualTo(text(direct));
        StandInProvider.Seen seen = PROVIDER.requests.get(before);
        assertThat(seen.header("x-api-key")).isEqualTo("sk-ant-test");
        assertThat(seen.header("anthropic-version")).isEqualTo("2023-06-01");
        assertThat(seen.body()).isEqualTo(body);

        JsonNode span = span(token, proxied);
        assertThat(span.get("provider").asText()).isEqualTo("anthropic");
        assertThat(span.get("model").asText()).isEqualTo("claude-sonnet-4-5-20250929");
        assertThat(span.get("tokens").get("input_uncached").asLong()).isEqualTo(100);
        assertThat(span.get("tokens").get("cache_read").asLong()).isEqualTo(10_000);
        assertThat(span.get("tokens").get("cache_write_5m").asLong()).isEqualTo(2_000);
        // message_start said 1, message_delta says 500 in all: 500, not 501.
        assertThat(span.get("tokens").get("output").asLong()).isEqualTo(500);
        // sonnet 4.5: 100 × 3 + 10000 × 0.30 + 2000 × 3.75 + 500 × 15 = 18300 µ$ per million → $0.0183.
        assertThat(span.get("cost").decimalValue()).isEqualByComparingTo("0.0183");
        assertThat(span.get("time_to_first_token_ms").isNumber()).isTrue();
    }

    @Test
    void anAnthropicCallWithItsKeyAsABearerTokenIsForwardedWithThatHeader() {
        String token = project();
        String body = "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":1024,\"messages\":[{\"role\":\"user\","
                + "\"content\":\"Hello\"}]}";
        Map<String, String> key = Map.of("Authorization", "Bearer sk-ant-bearer", "anthropic-version", "2023-06-01");
        int before = PROVIDER.requests.size();
        HttpResponse<byte[]> proxied = viaBloop("anthropic", "v1/messages", body, token, key);
        assertThat(proxied.statusCode()).isEqualTo(200);
        assertThat(PROVIDER.requests.get(before).header("Authorization")).isEqualTo("Bearer sk-ant-bearer");
        JsonNode span = span(token, proxied);
        assertThat(span.get("tokens").get("output").asLong()).isEqualTo(500);
        assertThat(span.get("time_to_first_token_ms").isNull()).isTrue();
    }

    @Test
    void withoutABloopTokenNothingIsForwarded() {
        String token = BLOOP.token("no-llm", "default", Scope.LLM_READ);
        int before = PROVIDER.requests.size();
        HttpResponse<byte[]> none = viaBloop("openai", "chat/completions", CHAT, null, OPENAI_KEY);
        HttpResponse<byte[]> wrong = viaBloop("openai", "chat/completions", CHAT, "bloop_tk_nope", OPENAI_KEY);
        HttpResponse<byte[]> readOnly = viaBloop("openai", "chat/completions", CHAT, token, OPENAI_KEY);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(text(none)).contains("\"field\":\"X-Bloop-Token\"");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(readOnly.statusCode()).isEqualTo(403);
        assertThat(text(readOnly)).contains("llm:write");
        assertThat(PROVIDER.requests.size()).isEqualTo(before);
    }

    @Test
    void aClientThatCannotAddHeadersPutsTheTokenInThePath() {
        String token = project();
        HttpResponse<byte[]> r = call(BLOOP.url("/v1/proxy/" + token + "/openai/chat/completions"), CHAT,
                Map.of("Content-Type", "application/json", "Authorization", "Bearer sk-test-openai"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(span(token, r).get("tokens").get("output").asLong()).isEqualTo(80);
    }

    @Test
    void anUnknownProviderIsA404NamingTheField() {
        HttpResponse<byte[]> r = viaBloop("mistral", "chat/completions", CHAT, project(), OPENAI_KEY);
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(text(r)).contains("\"field\":\"provider\"");
    }

    @Test
    void aProviderErrorReachesTheClientUnchangedAndIsAnErrorSpan() {
        String token = project();
        Map<String, String> h = Map.of("Authorization", "Bearer sk-bad", "X-Stand-In", "error");
        HttpResponse<byte[]> direct = direct("chat/completions", CHAT, h);
        HttpResponse<byte[]> proxied = viaBloop("openai", "chat/completions", CHAT, token, h);
        assertThat(proxied.statusCode()).isEqualTo(401);
        assertThat(proxied.body()).isEqualTo(direct.body());
        JsonNode span = span(token, proxied);
        assertThat(span.get("status").asText()).isEqualTo("error");
        assertThat(span.get("error_message").asText()).contains("401").contains("invalid_api_key");
        assertThat(span.get("model").asText()).isEqualTo("gpt-4o");
    }

    @Test
    void anAuthenticationChallengeFromTheProviderReachesTheClientAsItIs() {
        String token = project();
        Map<String, String> h = Map.of("Authorization", "Bearer sk-bad", "X-Stand-In", "challenge");
        HttpResponse<byte[]> direct = direct("chat/completions", CHAT, h);
        HttpResponse<byte[]> proxied = viaBloop("openai", "chat/completions", CHAT, token, h);
        assertThat(proxied.statusCode()).isEqualTo(401);
        assertThat(proxied.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"gateway\"");
        assertThat(proxied.body()).isEqualTo(direct.body());
    }

    @Test
    void aProviderCookieReachesItsCallerButIsNeverSentWithAnyLaterCall() {
        String token = project();
        HttpResponse<byte[]> first = viaBloop("openai", "chat/completions", CHAT, token,
                Map.of("Authorization", OPENAI_KEY.get("Authorization"), "X-Stand-In", "cookie"));
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("Set-Cookie")).hasValueSatisfying(c -> assertThat(c).startsWith("__cf_bm="));
        int before = PROVIDER.requests.size();
        HttpResponse<byte[]> second = viaBloop("openai", "chat/completions", CHAT, project(), OPENAI_KEY);
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(PROVIDER.requests.get(before).header("Cookie")).isNull();
    }

    @Test
    void aStreamTheProviderCutsIsCutForTheClientAndRecordedAsAnError() {
        String token = project();
        Map<String, String> h = Map.of("Authorization", "Bearer sk-test-openai", "X-Stand-In", "cut",
                "X-Bloop-Trace-Id", "cut-" + token.substring(10, 20));
        HttpRequest req = HttpRequest.newBuilder(URI.create(BLOOP.url("/v1/proxy/openai/chat/completions")))
                .POST(HttpRequest.BodyPublishers.ofString(CHAT_STREAM)).header("X-Bloop-Token", token)
                .header("Authorization", "Bearer sk-test-openai").header("X-Stand-In", "cut")
                .header("X-Bloop-Trace-Id", h.get("X-Bloop-Trace-Id")).build();
        String got;
        boolean cut = false;
        try {
            HttpResponse<InputStream> r = HTTP.send(req, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = r.body()) {
                got = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            cut = true;
            got = "";
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
        assertThat(cut).as("the client must see the stream break, not a clean end: " + got).isTrue();
        JsonNode span = trace(token, h.get("X-Bloop-Trace-Id"), t -> t.get("spans").size() > 0).get("spans").get(0);
        assertThat(span.get("status").asText()).isEqualTo("error");
        assertThat(span.get("error_message").asText()).contains("cut");
    }

    @Test
    void anErrorEventMidStreamIsAnErrorSpanKeepingTheInputTokensSeen() {
        String token = project();
        String body = "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":1024,\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}";
        Map<String, String> h = Map.of("x-api-key", "sk-ant-test", "anthropic-version", "2023-06-01",
                "X-Stand-In", "overloaded");
        HttpResponse<byte[]> direct = direct("messages", body, h);
        HttpResponse<byte[]> proxied = viaBloop("anthropic", "v1/messages", body, token, h);
        assertThat(text(proxied)).isEqualTo(text(direct)).contains("overloaded_error");
        JsonNode span = span(token, proxied);
        assertThat(span.get("status").asText()).isEqualTo("error");
        assertThat(span.get("error_message").asText()).contains("overloaded_error");
        assertThat(span.get("tokens").get("input_uncached").asLong()).isEqualTo(100);
        assertThat(span.get("tokens").get("cache_read").asLong()).isEqualTo(10_000);
    }

    @Test
    void aClientThatGoesAwayCancelsTheProviderCallAndTheSpanIsKeptAsCancelled() throws Exception {
        String token = project();
        String traceId = "gone-" + token.substring(10, 20);
        int abandoned = PROVIDER.abandoned.get();
        URI bloop = URI.create(BLOOP.url("/"));
        byte[] body = CHAT_STREAM.getBytes(StandardCharsets.UTF_8);
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", bloop.getPort())) {
            socket.getOutputStream().write(("POST /v1/proxy/openai/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "X-Bloop-Token: " + token + "\r\nAuthorization: Bearer sk-test-openai\r\nX-Stand-In: slow\r\n"
                    + "X-Bloop-Trace-Id: " + traceId + "\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(body);
            socket.getOutputStream().flush();
            String head = BloopTestApp.readResponseHead(socket.getInputStream());
            assertThat(head).startsWith("HTTP/1.1 200");
            byte[] first = new byte[64];
            assertThat(socket.getInputStream().read(first)).isPositive();
        }

        long deadline = System.nanoTime() + Duration.ofSeconds(8).toNanos();
        while (PROVIDER.abandoned.get() == abandoned && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        // The stand-in would stream for 10 s; it saw its client (bloop) go away long before.
        assertThat(PROVIDER.abandoned.get()).isGreaterThan(abandoned);
        JsonNode span = trace(token, traceId, t -> t.get("spans").size() > 0).get("spans").get(0);
        assertThat(span.get("status").asText()).isEqualTo("cancelled");
        assertThat(span.get("time_to_first_token_ms").isNumber()).isTrue();
        assertThat(span.get("latency_ms").asLong()).isLessThan(9_000);
    }

    @Test
    void clientsThatStopReadingTheirStreamsHoldNoProxyThreadSoOtherCallsStillGoThrough() throws Exception {
        String token = project();
        // More stalled streams than the proxy has threads: a write that waited for its client would hold one each.
        int stalled = Math.min(24, 3 * Runtime.getRuntime().availableProcessors() + 2);
        byte[] body = CHAT_STREAM.getBytes(StandardCharsets.UTF_8);
        URI bloop = URI.create(BLOOP.url("/"));
        java.util.List<java.net.Socket> sockets = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < stalled; i++) {
                java.net.Socket socket = new java.net.Socket();
                socket.setReceiveBufferSize(4_096);
                socket.connect(new java.net.InetSocketAddress("127.0.0.1", bloop.getPort()));
                sockets.add(socket);
                // ~26 MB of stream that this client never reads past the status line.
                socket.getOutputStream().write(("POST /v1/proxy/openai/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "X-Bloop-Token: " + token + "\r\nAuthorization: Bearer sk-test-openai\r\n"
                        + "X-Stand-In: chunks-200000\r\nContent-Type: application/json\r\nContent-Length: "
                        + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().write(body);
                socket.getOutputStream().flush();
                assertThat(BloopTestApp.readResponseHead(socket.getInputStream())).startsWith("HTTP/1.1 200");
            }
            Thread.sleep(3_000);   // every stalled stream fills its socket buffers
            long t0 = System.nanoTime();
            HttpResponse<byte[]> r = viaBloop("openai", "chat/completions", CHAT, token, OPENAI_KEY);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(text(r)).isEqualTo(text(direct("chat/completions", CHAT, OPENAI_KEY)));
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        } finally {
            for (java.net.Socket socket : sockets) {
                socket.close();
            }
        }
    }

    @Test
    void underFullContentStorageThePromptAndTheStreamedCompletionAreKept() {
        String token = project();
        HttpResponse<byte[]> set = call(BLOOP.url("/v1/llm/settings"), null, Map.of());
        assertThat(set.statusCode()).isEqualTo(401);
        HttpRequest put = HttpRequest.newBuilder(URI.create(BLOOP.url("/v1/llm/settings")))
                .PUT(HttpRequest.BodyPublishers.ofString("{\"content_storage\":\"full\"}"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json").build();
        assertThat(BloopTestApp.send(put).statusCode()).isEqualTo(200);

        HttpResponse<byte[]> proxied = viaBloop("openai", "chat/completions", CHAT_STREAM, token, OPENAI_KEY);
        JsonNode span = span(token, proxied);
        assertThat(span.get("output").asText()).isEqualTo("Paris is the capital of France.");
        assertThat(span.get("input").get("messages").get(0).get("content").asText())
                .isEqualTo("What is the capital of France?");
        assertThat(span.get("metadata").get("finish_reason").asText()).isEqualTo("stop");
    }

    @Test
    void callsSharingATraceIdBecomeSpansOfOneTraceWithTheGroupingHeadersOnIt() {
        String token = project();
        String traceId = "grouped-" + token.substring(10, 20);
        HttpResponse<String> created = BLOOP.post("/v1/llm/experiments", "{\"name\":\"tone\",\"variants\":"
                + "[{\"name\":\"a\"},{\"name\":\"b\"}]}", Map.of("Content-Type", "application/json",
                "Authorization", "Bearer " + token));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        Map<String, String> h = new HashMap<>(OPENAI_KEY);
        h.putAll(Map.of("X-Bloop-Trace-Id", traceId, "X-Bloop-Session-Id", "sess-1", "X-Bloop-User-Id", "user-7",
                "X-Bloop-Trace-Name", "support-answer", "X-Bloop-Experiment", "tone", "X-Bloop-Variant", "b"));
        assertThat(viaBloop("openai", "chat/completions", CHAT, token, h).statusCode()).isEqualTo(200);
        assertThat(viaBloop("openai", "chat/completions", CHAT_STREAM, token, h).statusCode()).isEqualTo(200);
        JsonNode t = trace(token, traceId, x -> x.get("spans").size() == 2);
        assertThat(t.get("session_id").asText()).isEqualTo("sess-1");
        assertThat(t.get("user_id").asText()).isEqualTo("user-7");
        assertThat(t.get("name").asText()).isEqualTo("support-answer");
        assertThat(t.get("experiment").asText()).isEqualTo("tone");
        assertThat(t.get("variant").asText()).isEqualTo("b");
        assertThat(t.get("output_tokens").asLong()).isEqualTo(160);
    }

    @Test
    void aModelsListIsPassedThroughAndNotRecorded() {
        String token = project();
        HttpResponse<byte[]> direct = direct("models", null, OPENAI_KEY);
        HttpResponse<byte[]> proxied = viaBloop("openai", "models", null, token, OPENAI_KEY);
        assertThat(proxied.statusCode()).isEqualTo(200);
        assertThat(proxied.body()).isEqualTo(direct.body());
    }

    @Test
    void anUnknownExperimentOrVariantIsRefusedBeforeAnythingIsForwarded() {
        String token = project();
        int before = PROVIDER.requests.size();
        HttpResponse<byte[]> unknown = viaBloop("openai", "chat/completions", CHAT, token,
                Map.of("X-Bloop-Experiment", "nope", "X-Bloop-Variant", "b"));
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(text(unknown)).contains("\"field\":\"X-Bloop-Experiment\"");
        BLOOP.post("/v1/llm/experiments", "{\"name\":\"tone\",\"variants\":[{\"name\":\"a\"},{\"name\":\"b\"}]}",
                Map.of("Content-Type", "application/json", "Authorization", "Bearer " + token));
        HttpResponse<byte[]> variant = viaBloop("openai", "chat/completions", CHAT, token,
                Map.of("X-Bloop-Experiment", "tone", "X-Bloop-Variant", "c"));
        assertThat(variant.statusCode()).isEqualTo(400);
        assertThat(text(variant)).contains("\"field\":\"X-Bloop-Variant\"");
        assertThat(PROVIDER.requests.size()).isEqualTo(before);
    }

    @Test
    void aVariantWithoutItsExperimentIsRefusedBeforeAnythingIsForwarded() {
        int before = PROVIDER.requests.size();
        HttpResponse<byte[]> r = viaBloop("openai", "chat/completions", CHAT, project(),
                Map.of("X-Bloop-Variant", "b"));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(text(r)).contains("\"field\":\"X-Bloop-Experiment\"");
        assertThat(PROVIDER.requests.size()).isEqualTo(before);
    }
}
