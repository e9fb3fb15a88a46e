package dev.bloop.service.llm.proxy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for the OpenAI and Anthropic APIs on 127.0.0.1: it replays recorded answers
 * ({@code src/test/resources/llm-proxy}) as the providers send them, streams event by event with a
 * flush after each, and honours {@code stream_options.include_usage} as OpenAI does (the usage-only
 * chunk only when asked for). The {@code X-Stand-In} request header picks a scenario: {@code error}
 * (OpenAI 401, Anthropic 429; {@code challenge}: the same with a {@code WWW-Authenticate} header), {@code cookie}
 * (the usual answer with a {@code Set-Cookie}), {@code cut} (the stream stops halfway without its end), {@code overloaded}
 * (Anthropic's error event mid-stream), {@code slow} (a chunk every 50 ms for 10 s), {@code chunks-N}
 * (an OpenAI chat stream of N content chunks, for the benchmark; {@code chunks-N-every-Mms} paces them
 * as a model generating), {@code think-Mms} (the usual answer, after M ms, as a model thinking). Only the JDK is used, so that
 * {@code bench/proxy.sh} can run it as a single-file program: {@code java StandInProvider.java <port> <dir>}.
 */
public final class StandInProvider implements AutoCloseable {
    /** One request as it arrived. */
    public record Seen(String method, String path, Map<String, List<String>> headers, String body) {
        String header(String name) {
            for (Map.Entry<String, List<String>> e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name)) {
                    return e.getValue().get(0);
                }
            }
            return null;
        }
    }

    static {
        // Like a real provider's server: without TCP_NODELAY every answer written in two parts waits ~40 ms
        // for the client's delayed ACK, which would hide everything the benchmark measures.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final HttpServer server;
    private final Path fixtures;
    final List<Seen> requests = new CopyOnWriteArrayList<>();
    /** Slow streams whose client (bloop) went away before the end. */
    final AtomicInteger abandoned = new AtomicInteger();

    public StandInProvider(int port, Path fixtures) throws IOException {
        this.fixtures = fixtures;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 512);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "stand-in-provider");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", this::handle);
        server.start();
    }

    public static void main(String[] args) throws Exception {
        StandInProvider p = new StandInProvider(Integer.parseInt(args[0]), Path.of(args[1]));
        System.out.println("stand-in provider on " + p.baseUrl());
        Thread.currentThread().join();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    /** Anthropic's SDKs take the root and add /v1 themselves. */
    public String rootUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange x) throws IOException {
        String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String path = x.getRequestURI().getPath();
        boolean bench = body.contains("\"bench\"");
        if (!bench) {
            requests.add(new Seen(x.getRequestMethod(), x.getRequestURI().toString(), Map.copyOf(x.getRequestHeaders()),
                    body));
        }
        String scenario = x.getRequestHeaders().getFirst("X-Stand-In");
        boolean stream = body.replace(" ", "").contains("\"stream\":true");
        boolean anthropic = path.endsWith("/messages");
        if ("cookie".equals(scenario)) {
            x.getResponseHeaders().add("Set-Cookie", "__cf_bm=provider-cookie; Path=/; HttpOnly");
        }
        if ("challenge".equals(scenario)) {
            // a gateway's 401: a generic HTTP client would answer the challenge itself instead of passing it on
            x.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"gateway\"");
        }
        if ("error".equals(scenario) || "challenge".equals(scenario)) {
            json(x, anthropic ? 429 : 401, anthropic ? "anthropic-error-429.json" : "openai-error-401.json");
            return;
        }
        if (scenario != null && scenario.startsWith("chunks-")) {
            String[] parts = scenario.split("-");
            benchStream(x, Integer.parseInt(parts[1]), parts.length == 4 ? millis(parts[3]) : 0);
            return;
        }
        if (scenario != null && scenario.startsWith("think-")) {
            pause(millis(scenario.substring(6)));
        }
        if ("slow".equals(scenario)) {
            slow(x);
            return;
        }
        switch (x.getRequestMethod() + " " + path) {
            case "GET /v1/models" -> json(x, 200, "openai-models.json");
            case "POST /v1/chat/completions" -> {
                if (!stream) {
                    json(x, 200, "openai-chat.json");
                } else {
                    boolean usage = body.replace(" ", "").contains("\"include_usage\":true");
                    sse(x, body.contains("\"tools\"") ? "openai-chat-tools-stream.sse" : "openai-chat-stream.sse",
                            usage, "cut".equals(scenario));
                }
            }
            case "POST /v1/responses" -> {
                if (stream) {
                    sse(x, "openai-responses-stream.sse", true, "cut".equals(scenario));
                } else {
                    json(x, 200, "openai-responses.json");
                }
            }
            case "POST /v1/messages" -> {
                if (stream) {
                    sse(x, "overloaded".equals(scenario) ? "anthropic-overloaded-stream.sse"
                            : "anthropic-messages-stream.sse", true, "cut".equals(scenario));
                } else {
                    json(x, 200, "anthropic-messages.json");
                }
            }
            default -> {
                byte[] b = "{\"error\":{\"message\":\"not found\"}}".getBytes(StandardCharsets.UTF_8);
                x.getResponseHeaders().set("Content-Type", "application/json");
                x.sendResponseHeaders(404, b.length);
                x.getResponseBody().write(b);
                x.close();
            }
        }
    }

    private void json(HttpExchange x, int status, String fixture) throws IOException {
        byte[] b = Files.readString(fixtures.resolve(fixture)).strip().getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", "application/json");
        x.getResponseHeaders().set("x-request-id", "req_standin_1");
        x.sendResponseHeaders(status, b.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(b);
        }
    }

    /** The recorded events, one write and flush each; {@code cut}: half of them, then the connection drops. */
    private void sse(HttpExchange x, String fixture, boolean usage, boolean cut) throws IOException {
        List<String> events = new ArrayList<>();
        for (String e : Files.readString(fixtures.resolve(fixture)).split("\n\n")) {
            if (!e.isBlank() && (usage || !e.contains("\"choices\":[],"))) {
                events.add(e + "\n\n");
            }
        }
        x.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        x.getResponseHeaders().set("Cache-Control", "no-cache");
        x.getResponseHeaders().set("x-request-id", "req_standin_2");
        x.sendResponseHeaders(200, 0);
        OutputStream out = x.getResponseBody();
        int n = cut ? events.size() / 2 : events.size();
        for (int i = 0; i < n; i++) {
            out.write(events.get(i).getBytes(StandardCharsets.UTF_8));
            out.flush();
            pause(5);
        }
        if (cut) {
            // An exception out of the handler makes the server drop the connection without the last chunk.
            throw new IOException("stand-in: the stream is cut");
        }
        out.close();
    }

    private void slow(HttpExchange x) throws IOException {
        x.getResponseHeaders().set("Content-Type", "text/event-stream");
        x.sendResponseHeaders(200, 0);
        OutputStream out = x.getResponseBody();
        try {
            for (int i = 0; i < 200; i++) {
                out.write(chunk(i == 0 ? "Once" : " upon").getBytes(StandardCharsets.UTF_8));
                out.flush();
                pause(50);
            }
            out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
            out.close();
        } catch (IOException gone) {
            abandoned.incrementAndGet();
            throw gone;
        }
    }

    private static long millis(String m) {
        return Long.parseLong(m.replace("ms", ""));
    }

    private void benchStream(HttpExchange x, int chunks, long everyMs) throws IOException {
        x.getResponseHeaders().set("Content-Type", "text/event-stream");
        x.sendResponseHeaders(200, 0);
        try (OutputStream out = x.getResponseBody()) {
            for (int i = 0; i < chunks; i++) {
                out.write(chunk(" tok").getBytes(StandardCharsets.UTF_8));
                out.flush();
                if (everyMs > 0) {
                    pause(everyMs);
                }
            }
            out.write(("data: {\"id\":\"b\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o-mini\",\"choices\":[],"
                    + "\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":" + chunks + ",\"total_tokens\":"
                    + (10 + chunks) + "}}\n\ndata: [DONE]\n\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    private static String chunk(String text) {
        return "data: {\"id\":\"s\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,"
                + "\"delta\":{\"content\":\"" + text + "\"},\"finish_reason\":null}],\"usage\":null}\n\n";
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
