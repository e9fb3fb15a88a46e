package dev.bloop.service.llm.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * What a provider's answer says about one call: the model that answered, its usage (by bucket), when
 * the first token came, why it stopped, any error, and (when the project keeps content) the text. Fed
 * line by line from a stream, or once from a whole JSON answer. Usage from a stream follows
 * {@code reference/llm.md} §6: OpenAI Chat's usage-only last chunk, the Responses API's
 * {@code response.completed}, Anthropic's {@code message_start} overwritten field by field (never
 * added) by the cumulative {@code message_delta}.
 */
final class CallFacts {
    private static final int MAX_ERROR_CHARS = 2_000;

    private final Api api;
    private final ObjectMapper json;
    private final int maxText;
    private final StringBuilder text;

    String model;
    /** Input tokens as the API counts them: OpenAI includes cached ones, Anthropic does not. */
    Long input;
    long cacheRead;
    long cacheWrite5m;
    long cacheWrite1h;
    long output;
    long reasoning;
    /** Some usage was read. */
    boolean usageSeen;
    /** The final usage was read (a whole answer, OpenAI's usage chunk, Responses' completed event, Anthropic's message_delta). */
    boolean usageFinal;
    /** System.nanoTime() of the first content delta, 0 when none came (or not streaming). */
    long firstTokenNanos;
    String finish;
    String error;
    /** The answer as JSON (non-streaming), kept only when the project keeps content. */
    JsonNode answer;

    CallFacts(Api api, ObjectMapper json, int maxText, boolean keepText) {
        this.api = api;
        this.json = json;
        this.maxText = maxText;
        this.text = keepText ? new StringBuilder() : null;
    }

    /** The streamed text, or null when it is not kept or nothing came. */
    String text() {
        return text == null || text.length() == 0 ? null : text.toString();
    }

    /** One SSE line; only {@code data:} lines carry anything bloop reads. */
    void line(String line) {
        if (!line.startsWith("data:")) {
            return;
        }
        String data = line.length() > 5 && line.charAt(5) == ' ' ? line.substring(6) : line.substring(5);
        if (data.isEmpty() || data.equals("[DONE]") || !worthParsing(data)) {
            return;
        }
        JsonNode node;
        try {
            node = json.readTree(data);
        } catch (IOException e) {
            return;
        }
        if (node == null || !node.isObject()) {
            return;
        }
        switch (api) {
            case OPENAI_CHAT, OTHER -> chatChunk(node);
            case OPENAI_RESPONSES -> responsesEvent(node);
            case ANTHROPIC_MESSAGES -> anthropicEvent(node);
            default -> throw new IllegalStateException();
        }
    }

    /**
     * Skips the JSON parse of chunks that cannot change anything: once the first token is seen and no text
     * is kept, only usage, model, stop and error events matter.
     */
    private boolean worthParsing(String data) {
        if (firstTokenNanos == 0 || text != null || model == null) {
            return true;
        }
        return hasUsageObject(data) || data.contains("error") || data.contains("finish_reason\":\"")
                || data.contains("stop_reason") || data.contains("response.");
    }

    /**
     * Whether a {@code "usage"} key with an object value appears in this JSON text. OpenAI's chat chunks
     * carry {@code "usage":null} in every chunk once usage is asked for; only the last one has counts, so
     * this keeps the parse for the chunks that matter.
     */
    static boolean hasUsageObject(String data) {
        int from = 0;
        while (true) {
            int at = data.indexOf("\"usage\"", from);
            if (at < 0) {
                return false;
            }
            int i = skipSpace(data, at + 7);
            if (i < data.length() && data.charAt(i) == ':') {
                i = skipSpace(data, i + 1);
                if (i < data.length() && data.charAt(i) == '{') {
                    return true;
                }
            }
            from = at + 7;
        }
    }

    private static int skipSpace(String s, int i) {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    /** A whole non-streaming answer (2xx) or an error body (any status). */
    void body(byte[] bytes, int length, int status) {
        JsonNode node;
        try {
            node = json.readTree(bytes, 0, length);
        } catch (IOException e) {
            if (status >= 400) {
                error = "HTTP " + status;
            }
            return;
        }
        if (node == null || !node.isObject()) {
            if (status >= 400) {
                error = "HTTP " + status;
            }
            return;
        }
        if (status >= 400 || node.has("error") && node.get("error").isObject()) {
            error = errorMessage(node.path("error"), status);
            return;
        }
        model(node.path("model"));
        switch (api) {
            case OPENAI_CHAT, OTHER -> {
                openAiUsage(node.path("usage"));
                JsonNode choice = node.path("choices").path(0);
                finish(choice.path("finish_reason"));
                if (text != null && !choice.path("message").isMissingNode()) {
                    answer = choice.path("message");
                }
            }
            case OPENAI_RESPONSES -> {
                responsesUsage(node.path("usage"));
                finish(node.path("status"));
                if (text != null && node.has("output")) {
                    answer = node.get("output");
                }
            }
            case ANTHROPIC_MESSAGES -> {
                anthropicUsage(node.path("usage"), true);
                finish(node.path("stop_reason"));
                if (text != null && node.has("content")) {
                    answer = node.get("content");
                }
            }
            default -> throw new IllegalStateException();
        }
        usageFinal = usageSeen;
    }

    private void chatChunk(JsonNode node) {
        if (node.path("error").isObject()) {
            error = errorMessage(node.get("error"), 0);
            return;
        }
        model(node.path("model"));
        for (JsonNode choice : node.path("choices")) {
            JsonNode delta = choice.path("delta");
            String content = delta.path("content").isTextual() ? delta.get("content").asText() : "";
            boolean token = !content.isEmpty() || delta.path("tool_calls").size() > 0
                    || delta.path("refusal").isTextual() && !delta.get("refusal").asText().isEmpty();
            if (token) {
                firstToken();
            }
            appendText(content);
            finish(choice.path("finish_reason"));
        }
        if (node.path("usage").isObject()) {
            openAiUsage(node.get("usage"));
            usageFinal = true;
        }
    }

    private void responsesEvent(JsonNode node) {
        String type = node.path("type").asText("");
        switch (type) {
            case "response.output_text.delta" -> {
                firstToken();
                appendText(node.path("delta").asText(""));
            }
            case "response.function_call_arguments.delta", "response.reasoning_summary_text.delta",
                 "response.refusal.delta", "response.reasoning_text.delta" -> firstToken();
            case "response.created", "response.in_progress" -> model(node.path("response").path("model"));
            case "response.completed", "response.incomplete", "response.failed" -> {
                JsonNode r = node.path("response");
                model(r.path("model"));
                finish(r.path("status"));
                if (r.path("usage").isObject()) {
                    responsesUsage(r.get("usage"));
                    usageFinal = true;
                }
                if (type.equals("response.failed")) {
                    error = errorMessage(r.path("error"), 0);
                }
            }
            case "error" -> error = errorMessage(node.has("error") ? node.get("error") : node, 0);
            default -> {
                // other events carry nothing recorded
            }
        }
    }

    private void anthropicEvent(JsonNode node) {
        switch (node.path("type").asText("")) {
            case "message_start" -> {
                JsonNode m = node.path("message");
                model(m.path("model"));
                anthropicUsage(m.path("usage"), true);
            }
            case "content_block_delta" -> {
                firstToken();
                JsonNode d = node.path("delta");
                if (d.path("type").asText("").equals("text_delta")) {
                    appendText(d.path("text").asText(""));
                }
            }
            case "message_delta" -> {
                finish(node.path("delta").path("stop_reason"));
                anthropicUsage(node.path("usage"), false);
                usageFinal = true;
            }
            case "error" -> error = errorMessage(node.path("error"), 0);
            default -> {
                // ping, content_block_start/stop, message_stop
            }
        }
    }

    private void openAiUsage(JsonNode u) {
        if (!u.isObject()) {
            return;
        }
        usageSeen = true;
        // Chat names them prompt/completion; embeddings only prompt_tokens; Responses input/output.
        input = u.has("prompt_tokens") ? u.path("prompt_tokens").asLong() : u.path("input_tokens").asLong();
        output = u.has("completion_tokens") ? u.path("completion_tokens").asLong() : u.path("output_tokens").asLong();
        cacheRead = u.path("prompt_tokens_details").path("cached_tokens").asLong(
                u.path("input_tokens_details").path("cached_tokens").asLong());
        reasoning = u.path("completion_tokens_details").path("reasoning_tokens").asLong(
                u.path("output_tokens_details").path("reasoning_tokens").asLong());
    }

    private void responsesUsage(JsonNode u) {
        openAiUsage(u);
    }

    /**
     * Anthropic's usage: {@code message_start} sets every field; {@code message_delta}'s fields are cumulative
     * and overwrite the ones present (summing them counted tokens twice in other proxies).
     */
    private void anthropicUsage(JsonNode u, boolean start) {
        if (!u.isObject()) {
            return;
        }
        usageSeen = true;
        if (u.has("input_tokens") && !u.get("input_tokens").isNull()) {
            input = u.get("input_tokens").asLong();
        }
        if (u.has("output_tokens") && !u.get("output_tokens").isNull()) {
            output = u.get("output_tokens").asLong();
        }
        if (u.has("cache_read_input_tokens") && !u.get("cache_read_input_tokens").isNull()) {
            cacheRead = u.get("cache_read_input_tokens").asLong();
        }
        JsonNode split = u.path("cache_creation");
        if (split.isObject() && (split.has("ephemeral_5m_input_tokens") || split.has("ephemeral_1h_input_tokens"))) {
            cacheWrite5m = split.path("ephemeral_5m_input_tokens").asLong();
            cacheWrite1h = split.path("ephemeral_1h_input_tokens").asLong();
        } else if (u.has("cache_creation_input_tokens") && !u.get("cache_creation_input_tokens").isNull()) {
            cacheWrite5m = u.get("cache_creation_input_tokens").asLong();
            cacheWrite1h = 0;
        } else if (start) {
            cacheWrite5m = 0;
            cacheWrite1h = 0;
        }
        JsonNode details = u.path("output_tokens_details");
        if (details.isObject() && details.has("reasoning_tokens")) {
            reasoning = details.get("reasoning_tokens").asLong();
        }
    }

    private void firstToken() {
        if (firstTokenNanos == 0) {
            firstTokenNanos = System.nanoTime();
        }
    }

    private void model(JsonNode m) {
        if (m.isTextual() && !m.asText().isEmpty()) {
            model = m.asText();
        }
    }

    private void finish(JsonNode f) {
        if (f.isTextual() && !f.asText().isEmpty()) {
            finish = f.asText();
        }
    }

    private void appendText(String s) {
        if (text != null && !s.isEmpty() && text.length() < maxText) {
            text.append(s, 0, Math.min(s.length(), maxText - text.length()));
        }
    }

    private static String errorMessage(JsonNode e, int status) {
        String type = e.path("type").asText("");
        String code = e.path("code").isTextual() ? e.get("code").asText() : "";
        if (!code.isEmpty()) {
            type = type.isEmpty() ? code : type + " (" + code + ")";
        }
        String message = e.path("message").asText("");
        String s = (type.isEmpty() ? "" : type + ": ") + message;
        if (s.isEmpty()) {
            s = status > 0 ? "HTTP " + status : "error event in the stream";
        } else if (status > 0) {
            s = "HTTP " + status + " " + s;
        }
        return s.length() > MAX_ERROR_CHARS ? s.substring(0, MAX_ERROR_CHARS) : s;
    }
}
