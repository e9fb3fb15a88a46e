package dev.bloop.service.browser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bloop.service.TempDirs;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * A real headless Chromium (Debian's {@code chromium}) driven over the Chrome DevTools Protocol with
 * the JDK's WebSocket client. The few commands the tests need (pages, script evaluation, the
 * WebAuthn virtual authenticator, screenshots) do not justify a WebDriver stack and its driver binary.
 * Without a browser on the machine the tests are skipped, unless {@code BLOOP_REQUIRE_BROWSER=1}
 * (set by CI) makes that a failure.
 */
public final class Chromium implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern DEVTOOLS = Pattern.compile("DevTools listening on (ws://\\S+)");

    private final Process process;
    private final Path profile;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final Map<String, Tab> tabs = new ConcurrentHashMap<>();

    private Chromium(Process process, Path profile, WebSocket socket) {
        this.process = process;
        this.profile = profile;
        this.socket = socket;
    }

    /** Starts a headless browser, or skips the test when there is none (and CI does not require one). */
    public static Chromium launch() throws Exception {
        String binary = findBinary();
        if (binary == null) {
            String message = "no Chromium found (install Debian's chromium or set CHROME_BIN)";
            if ("1".equals(System.getenv("BLOOP_REQUIRE_BROWSER"))) {
                throw new IllegalStateException(message);
            }
            Assumptions.abort(message);
        }
        Path profile = Files.createTempDirectory("bloop-chromium");
        ProcessBuilder pb = new ProcessBuilder(binary, "--headless=new", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check", "--remote-debugging-port=0",
                "--user-data-dir=" + profile, "--window-size=1280,900", "about:blank")
                .redirectErrorStream(true);
        // Chromium puts its singleton socket in a directory of its own under TMPDIR and removes it only
        // on a clean exit: inside the profile, it goes when the profile is deleted.
        pb.environment().put("TMPDIR", Files.createDirectory(profile.resolve("tmp")).toString());
        Process p = pb.start();
        String ws = awaitDevTools(p);
        Listener listener = new Listener();
        WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create(ws), listener).get(20, TimeUnit.SECONDS);
        Chromium c = new Chromium(p, profile, socket);
        listener.owner = c; // nothing arrives before the first command, sent after this
        return c;
    }

    private static String findBinary() {
        String env = System.getenv("CHROME_BIN");
        if (env != null && Files.isExecutable(Path.of(env))) {
            return env;
        }
        for (String candidate : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        return null;
    }

    private static String awaitDevTools(Process p) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        String line;
        while ((line = out.readLine()) != null) {
            seen.append(line).append('\n');
            Matcher m = DEVTOOLS.matcher(line);
            if (m.find()) {
                Thread drain = new Thread(() -> {
                    try {
                        while (out.readLine() != null) {
                            // keep the pipe empty so the browser never blocks on its own logging
                        }
                    } catch (IOException ignored) {
                        // the browser exited
                    }
                }, "chromium-output");
                drain.setDaemon(true);
                drain.start();
                return m.group(1);
            }
        }
        throw new IllegalStateException("Chromium exited before DevTools started:\n" + seen);
    }

    /** Sends a browser-level command (no session). */
    public JsonNode call(String method, Map<String, Object> params) {
        return call(null, method, params);
    }

    JsonNode call(String sessionId, String method, Map<String, Object> params) {
        int id = ids.incrementAndGet();
        ObjectNode msg = JSON.createObjectNode();
        msg.put("id", id);
        msg.put("method", method);
        msg.set("params", JSON.valueToTree(params));
        if (sessionId != null) {
            msg.put("sessionId", sessionId);
        }
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        pending.put(id, reply);
        synchronized (socket) {
            socket.sendText(msg.toString(), true).join();
        }
        try {
            JsonNode r = reply.get(30, TimeUnit.SECONDS);
            if (r.has("error")) {
                throw new IllegalStateException(method + " failed: " + r.get("error"));
            }
            return r.get("result");
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException(method + " timed out", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** A new tab in its own browser context (its own cookies), with a virtual passkey authenticator. */
    public Tab newTab() {
        String context = call("Target.createBrowserContext", Map.of()).get("browserContextId").asText();
        String target = call("Target.createTarget", Map.of("url", "about:blank", "browserContextId", context))
                .get("targetId").asText();
        String session = call("Target.attachToTarget", Map.of("targetId", target, "flatten", true))
                .get("sessionId").asText();
        Tab tab = new Tab(this, session);
        tabs.put(session, tab);
        tab.send("Page.enable", Map.of());
        tab.send("Runtime.enable", Map.of());
        tab.send("Log.enable", Map.of());
        tab.send("WebAuthn.enable", Map.of());
        tab.send("WebAuthn.addVirtualAuthenticator", Map.of("options", Map.of("protocol", "ctap2",
                "transport", "internal", "hasResidentKey", true, "hasUserVerification", true, "isUserVerified", true,
                "automaticPresenceSimulation", true)));
        return tab;
    }

    @Override
    public void close() {
        try {
            call("Browser.close", Map.of());
        } catch (RuntimeException ignored) {
            // already gone
        }
        socket.abort();
        // Chromium's helper processes (network service, GPU) outlive the browser process for a moment
        // and write into the profile as they go: deleting it before they exit left a directory behind
        // for every browser a test started.
        List<ProcessHandle> helpers = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            for (ProcessHandle helper : helpers) {
                helper.onExit().get(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            helpers.forEach(ProcessHandle::destroyForcibly);
        }
        TempDirs.deleteQuietly(profile);
    }

    void dispatch(JsonNode msg) {
        if (msg.has("id")) {
            CompletableFuture<JsonNode> f = pending.remove(msg.get("id").asInt());
            if (f != null) {
                f.complete(msg);
            }
        } else if (msg.has("method") && msg.has("sessionId")) {
            Tab tab = tabs.get(msg.get("sessionId").asText());
            if (tab != null) {
                tab.onEvent(msg.get("method").asText(), msg.path("params"));
            }
        }
    }

    static byte[] decode(String base64) {
        return Base64.getDecoder().decode(base64);
    }

    private static final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();
        volatile Chromium owner;

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                try {
                    Chromium c = owner;
                    if (c != null) {
                        c.dispatch(JSON.readTree(text));
                    }
                } catch (IOException ignored) {
                    // not JSON: CDP only sends JSON
                }
            }
            ws.request(1);
            return null;
        }
    }
}
