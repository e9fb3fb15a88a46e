package dev.bloop.service.browser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** One browser tab: navigate, run script in the page, wait for the page to reach a state, screenshot. */
public final class Tab {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Chromium browser;
    private final String session;

    Tab(Chromium browser, String session) {
        this.browser = browser;
        this.session = session;
    }

    JsonNode send(String method, Map<String, Object> params) {
        return browser.call(session, method, params);
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

    /** Where the tab is. */
    public String url() {
        return eval("window.location.href").asText();
    }

    public void click(String selector) {
        waitFor("document.querySelector(" + quote(selector) + ") && !document.querySelector(" + quote(selector)
                + ").closest('[hidden]')");
        eval("document.querySelector(" + quote(selector) + ").click(), true");
    }

    public String text(String selector) {
        JsonNode v = eval("(document.querySelector(" + quote(selector) + ") || {}).textContent || ''");
        return v == null ? "" : v.asText();
    }

    /** Saves a PNG of the page. */
    public Path screenshot(Path file) throws IOException {
        JsonNode r = send("Page.captureScreenshot", Map.of("format", "png"));
        Files.createDirectories(file.getParent());
        Files.write(file, Chromium.decode(r.get("data").asText()));
        return file;
    }

    static String quote(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
