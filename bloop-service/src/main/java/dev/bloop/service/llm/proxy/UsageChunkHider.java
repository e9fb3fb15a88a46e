package dev.bloop.service.llm.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * For an OpenAI Chat stream whose client did not ask for usage: bloop asked for it
 * ({@code stream_options.include_usage}) and takes the usage-only chunk ({@code "choices":[]} with a
 * {@code usage} object, just before {@code [DONE]}) out again, so the client gets the bytes it would
 * have got without bloop. Every other line is forwarded as it is, in the chunk it came in; only the
 * bytes of a line not yet ended wait for the rest of it (OpenAI writes whole events, so in practice
 * nothing waits).
 */
final class UsageChunkHider {
    private static final byte[] NONE = new byte[0];

    private final ObjectMapper json;
    private final ByteArrayOutputStream held = new ByteArrayOutputStream(256);
    private boolean dropBlank;

    UsageChunkHider(ObjectMapper json) {
        this.json = json;
    }

    /** The bytes of this chunk to forward now. */
    byte[] filter(byte[] bytes, int offset, int length) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(length);
        int start = offset;
        int end = offset + length;
        for (int i = offset; i < end; i++) {
            if (bytes[i] != '\n') {
                continue;
            }
            byte[] line;
            if (held.size() > 0) {
                held.write(bytes, start, i + 1 - start);
                line = held.toByteArray();
                held.reset();
            } else {
                line = java.util.Arrays.copyOfRange(bytes, start, i + 1);
            }
            start = i + 1;
            if (keep(line)) {
                out.write(line, 0, line.length);
            }
        }
        if (start < end) {
            held.write(bytes, start, end - start);
        }
        return out.size() == 0 ? NONE : out.toByteArray();
    }

    /** The end of the stream: what is held goes out as it is. */
    byte[] end() {
        byte[] rest = held.toByteArray();
        held.reset();
        return rest;
    }

    private boolean keep(byte[] line) {
        String s = new String(line, StandardCharsets.UTF_8).strip();
        if (s.isEmpty()) {
            boolean drop = dropBlank;
            dropBlank = false;
            return !drop;
        }
        dropBlank = false;
        if (!s.startsWith("data:") || !CallFacts.hasUsageObject(s)) {
            return true;
        }
        try {
            JsonNode node = json.readTree(s.substring(5).strip());
            boolean usageOnly = node != null && node.path("usage").isObject() && node.path("choices").isArray()
                    && node.path("choices").isEmpty();
            dropBlank = usageOnly;
            return !usageOnly;
        } catch (IOException e) {
            return true;
        }
    }
}
