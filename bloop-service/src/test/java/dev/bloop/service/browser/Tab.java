package dev.bloop.service.browser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One browser tab: navigate, run script in the page, wait for the page to reach a state, screenshot.
 * It records every error the page's console shows (script errors, uncaught exceptions, failed loads,
 * policy violations and the browser's own warnings at error level) so a test can require none.
 */
public final class Tab {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Chromium browser;
    private final String session;
    private final List<ConsoleError> consoleErrors = new ArrayList<>();

    /** One error as the console shows it; {@code source} is "console", "exception" or the Log domain's source. */
    public record ConsoleError(String source, String text, String url) {
        @Override
        public String toString() {
            return source + ": " + text + (url == null || url.isEmpty() ? "" : " (" + url + ")");
        }
    }

    Tab(Chromium browser, String session) {
        this.browser = browser;
        this.session = session;
    }

    JsonNode send(String method, Map<String, Object> params) {
        return browser.call(session, method, params);
    }

    void onEvent(String method, JsonNode params) {
        ConsoleError error = switch (method) {
            case "Runtime.consoleAPICalled" -> {
                String type = params.path("type").asText();
                if (!type.equals("error") && !type.equals("assert")) {
                    yield null;
                }
                StringBuilder text = new StringBuilder();
                for (JsonNode arg : params.path("args")) {
                    text.append(text.length() == 0 ? "" : " ")
                            .append(arg.has("value") ? arg.get("value").asText() : arg.path("description").asText());
                }
                yield new ConsoleError("console", text.toString(), "");
            }
            case "Runtime.exceptionThrown" -> {
                JsonNode details = params.path("exceptionDetails");
                String text = details.path("exception").path("description").asText(details.path("text").asText());
                yield new ConsoleError("exception", text, details.path("url").asText());
            }
            case "Log.entryAdded" -> {
                JsonNode entry = params.path("entry");
                yield entry.path("level").asText().equals("error")
                        ? new ConsoleError(entry.path("source").asText(), entry.path("text").asText(), entry.path("url").asText())
                        : null;
            }
            default -> null;
        };
        if (error != null) {
            synchronized (consoleErrors) {
                consoleErrors.add(error);
            }
        }
    }

    /** Every console error since the tab opened, in order. */
    public List<ConsoleError> consoleErrors() {
        synchronized (consoleErrors) {
            return List.copyOf(consoleErrors);
        }
    }

    /** Emulates a device of that width (a phone when {@code mobile}), or the desktop window again. */
    public void viewport(int width, int height, boolean mobile) {
        send("Emulation.setDeviceMetricsOverride", Map.of("width", width, "height", height, "deviceScaleFactor", 1,
                "mobile", mobile));
    }

    /** Reloads the page, as the user's F5 does. */
    public void reload() {
        send("Page.reload", Map.of());
        waitFor("document.readyState === 'complete'", Duration.ofSeconds(15));
    }

    /** The browser's Back button. */
    public void back() {
        eval("history.back(), true");
    }

    /** The first-run page at {@code home}: creates the first admin with the setup code and waits until signed in. */
    public void setUpFirstAdmin(String home, String username, String setupCode) {
        open(home);
        fill("#setup-username", username);
        fill("#setup-code", setupCode);
        click("#setup-submit");
        waitFor("document.getElementById('whoami') && document.getElementById('whoami').textContent.includes('"
                + username + "')");
    }

    public void open(String url) {
        send("Page.navigate", Map.of("url", url));
        waitFor("document.readyState === 'complete'", Duration.ofSeconds(15));
    }

    /** Evaluates an expression (awaiting a promise) and returns its JSON value; page exceptions fail the test. */
    public JsonNode eval(String expression) {
        JsonNode r = send("Runtime.evaluate", Map.of("expression", expression, "awaitPromise", true,
                "returnByValue", true));
        if (r.has("exceptionDetails")) {
            throw new AssertionError("script failed: " + r.get("exceptionDetails"));
        }
        return r.get("result").get("value");
    }

    /** Waits until the expression is truthy, or fails with what the page shows. */
    public void waitFor(String expression, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonNode v = eval("Boolean(" + expression + ")");
            if (v != null && v.asBoolean()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + expression + "; page text: "
                        + eval("document.body ? document.body.innerText : ''"));
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    public void waitFor(String expression) {
        waitFor(expression, Duration.ofSeconds(15));
    }

    /** Types into an input as a user would (value set, input event fired). */
    public void fill(String selector, String value) {
        waitFor("document.querySelector(" + quote(selector) + ")");
        eval("(() => { const e = document.querySelector(" + quote(selector) + "); e.focus(); e.value = " + quote(value)
                + "; e.dispatchEvent(new Event('input', {bubbles: true})); return true; })()");
    }

    /** Chooses an option of a select, as a user would (change event fired). */
    public void select(String selector, String value) {
        waitFor("document.querySelector(" + quote(selector) + ")");
        eval("(() => { const e = document.querySelector(" + quote(selector) + "); e.value = " + quote(value)
                + "; e.dispatchEvent(new Event('change', {bubbles: true})); return true; })()");
    }

    /**
     * Presses a key as the keyboard would (DevTools input events: keydown, the character, keyup), on
     * whatever has the focus. {@code key} is a character or a named key such as {@code Enter}.
     */
    public void press(String key) {
        boolean enter = key.equals("Enter");
        Map<String, Object> down = new java.util.HashMap<>(Map.of("type", "keyDown", "key", key));
        if (enter) {
            down.put("code", "Enter");
            down.put("windowsVirtualKeyCode", 13);
            down.put("text", "\r");
        } else if (key.length() == 1) {
            down.put("text", key);
        }
        send("Input.dispatchKeyEvent", down);
        send("Input.dispatchKeyEvent", Map.of("type", "keyUp", "key", key));
    }

    /** Emulates the system's colour scheme ({@code light} or {@code dark}) for prefers-color-scheme. */
    public void colorScheme(String scheme) {
        send("Emulation.setEmulatedMedia", Map.of("features", List.of(Map.of("name", "prefers-color-scheme",
                "value", scheme))));
    }

    /** Where the tab is. */
    public String url() {
        return eval("window.location.href").asText();
    }

    public void click(String selector) {
        waitFor("document.querySelector(" + quote(selector) + ") && !document.querySelector(" + quote(selector)
                + ").closest('[hidden]')");
        eval("document.querySelector(" + quote(selector) + ").click(), true");
    }

    /** The current value of an input, select or textarea. */
    public String value(String selector) {
        JsonNode v = eval("(document.querySelector(" + quote(selector) + ") || {}).value || ''");
        return v == null ? "" : v.asText();
    }

    public String text(String selector) {
        JsonNode v = eval("(document.querySelector(" + quote(selector) + ") || {}).textContent || ''");
        return v == null ? "" : v.asText();
    }

    /** Saves a PNG of the visible part of the page. */
    public Path screenshot(Path file) throws IOException {
        return save(file, send("Page.captureScreenshot", Map.of("format", "png")));
    }

    /** Saves a PNG of the whole page, scrolled content included (capped at 4,000 px high). */
    public Path screenshotFullPage(Path file) throws IOException {
        JsonNode size = eval("({w: document.documentElement.clientWidth, h: Math.min(4000, document.documentElement.scrollHeight)})");
        return save(file, send("Page.captureScreenshot", Map.of("format", "png", "captureBeyondViewport", true,
                "clip", Map.of("x", 0, "y", 0, "width", size.get("w").asInt(), "height", size.get("h").asInt(), "scale", 1))));
    }

    private static Path save(Path file, JsonNode r) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, Chromium.decode(r.get("data").asText()));
        return file;
    }

    /** A JavaScript string literal of {@code s}. */
    public static String quote(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
