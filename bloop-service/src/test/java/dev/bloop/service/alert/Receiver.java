package dev.bloop.service.alert;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** A real HTTP server on loopback standing in for Slack or a webhook endpoint: it records what it gets. */
final class Receiver implements AutoCloseable {
    record Received(String path, String body, Map<String, String> headers, long at) {
    }

    private final HttpServer server;
    /** What arrived and no one has taken yet, oldest first; taking by path leaves the others in place. */
    private final java.util.List<Received> received = new java.util.ArrayList<>();
    private volatile int status = 200;
    private final Map<String, java.util.Deque<Integer>> scripted = new java.util.concurrent.ConcurrentHashMap<>();

    Receiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Map<String, String> headers = new java.util.HashMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), v.get(0)));
            String path = exchange.getRequestURI().getPath();
            synchronized (received) {
                received.add(new Received(path, body, headers, System.currentTimeMillis()));
                received.notifyAll();
            }
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
        return take(null, seconds * 1000);
    }

    /**
     * Waits for what arrives for the path and returns it, or null after {@code millis} (for "stays
     * silent" checks). Deliveries to other paths stay for their own takers: channels of one rule are
     * sent in parallel, in no fixed order.
     */
    Received nextFor(String path, long millis) throws InterruptedException {
        return take(path, millis);
    }

    private Received take(String path, long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        synchronized (received) {
            while (true) {
                for (java.util.Iterator<Received> it = received.iterator(); it.hasNext(); ) {
                    Received r = it.next();
                    if (path == null || r.path().equals(path)) {
                        it.remove();
                        return r;
                    }
                }
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    return null;
                }
                received.wait(left);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
