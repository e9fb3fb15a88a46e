package dev.bloop.service.alert;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A real HTTP server on loopback standing in for Slack or a webhook endpoint: it records what it gets. */
final class Receiver implements AutoCloseable {
    record Received(String path, String body, Map<String, String> headers, long at) {
    }

    private final HttpServer server;
    private final LinkedBlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private volatile int status = 200;
    private final Map<String, java.util.Deque<Integer>> scripted = new java.util.concurrent.ConcurrentHashMap<>();

    Receiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Map<String, String> headers = new java.util.HashMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), v.get(0)));
            String path = exchange.getRequestURI().getPath();
            received.add(new Received(path, body, headers, System.currentTimeMillis()));
            java.util.Deque<Integer> script = scripted.get(path);
            Integer next = script == null ? null : script.pollFirst();
            int answer = next == null ? status : next;
            if (answer / 100 == 3) {
                exchange.getResponseHeaders().add("Location", url("/redirected"));
            }
            exchange.sendResponseHeaders(answer, -1);
            exchange.close();
        });
        server.start();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    void answer(int status) {
        this.status = status;
    }

    /** The next answers for one path, in order; after them, the default. */
    void script(String path, Integer... statuses) {
        scripted.put(path, new java.util.concurrent.ConcurrentLinkedDeque<>(java.util.List.of(statuses)));
    }

    Received next(long seconds) throws InterruptedException {
        return received.poll(seconds, TimeUnit.SECONDS);
    }

    /** Waits briefly and returns what arrived for the path, or null: for "stays silent" checks. */
    Received nextFor(String path, long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < deadline) {
            Received r = received.poll(50, TimeUnit.MILLISECONDS);
            if (r != null && r.path().equals(path)) {
                return r;
            }
        }
        return null;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
