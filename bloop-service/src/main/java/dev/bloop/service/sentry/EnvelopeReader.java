package dev.bloop.service.sentry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Set;

/**
 * Reads a Sentry envelope as it streams out of the (decompressed) body:
 * {@code Headers { "\n" Item } [ "\n" ]}, {@code Item = Headers "\n" Payload}. Each header is one line
 * of JSON; an item's payload is {@code length} bytes followed by a newline or the end, or without
 * {@code length} runs to the next newline. Only the items bloop uses are held in memory (each within
 * {@code maxItemBytes}); the others are read past without being kept, whatever their size.
 */
final class EnvelopeReader {
    /** Item types whose payload is read; every other type is skipped (and never rejected). */
    static final Set<String> KEPT = Set.of("event", "session", "sessions", "client_report");
    static final int MAX_HEADER_BYTES = 64 * 1024;

    /** The envelope breaks the grammar; the message says where. */
    static final class Malformed extends Exception {
        private static final long serialVersionUID = 1L;

        Malformed(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * One item: its headers, its type, its payload ({@code null} when skipped) and its size in bytes.
     *
     * @param index 1-based position in the envelope, for messages
     */
    record Item(int index, JsonNode headers, String type, byte[] payload, long size) {
    }

    private final InputStream in;
    private final ObjectMapper json;
    private final int maxItemBytes;
    private int items;
    private boolean ended;

    EnvelopeReader(InputStream in, ObjectMapper json, int maxItemBytes) {
        this.in = new BufferedInputStream(in, 16 * 1024);
        this.json = json;
        this.maxItemBytes = maxItemBytes;
    }

    /** The envelope's header line. */
    JsonNode header() throws Malformed, IOException {
        byte[] line = line(MAX_HEADER_BYTES, "the envelope header");
        if (line == null) {
            throw new Malformed("the envelope is empty");
        }
        return object(line, "the envelope header");
    }

    /** The next item, or null at the end of the envelope. */
    Item next() throws Malformed, IOException {
        if (ended) {
            return null;
        }
        byte[] line;
        do {
            line = line(MAX_HEADER_BYTES, "item " + (items + 1) + "'s header");
            if (line == null) {
                ended = true;
                return null;
            }
        } while (isBlank(line));
        int index = ++items;
        String where = "item " + index;
        JsonNode headers = object(line, where + "'s header");
        JsonNode typeNode = headers.get("type");
        if (typeNode == null || !typeNode.isTextual() || typeNode.asText().isEmpty()) {
            throw new Malformed(where + "'s header has no type");
        }
        String type = typeNode.asText();
        boolean kept = KEPT.contains(type);
        JsonNode lengthNode = headers.get("length");
        if (lengthNode != null && !lengthNode.isNull()) {
            if (!lengthNode.canConvertToLong() || !lengthNode.isIntegralNumber() || lengthNode.asLong() < 0) {
                throw new Malformed(where + "'s length must be a non-negative integer");
            }
            long length = lengthNode.asLong();
            if (kept && length > maxItemBytes) {
                throw new Bodies.TooLarge(where + " (" + type + ") is " + length + " bytes, over the "
                        + maxItemBytes + " bytes allowed");
            }
            byte[] payload = kept ? readExactly((int) length, where) : null;
            if (!kept) {
                skipExactly(length, where);
            }
            int after = in.read();
            if (after == -1) {
                ended = true;
            } else if (after != '\n') {
                throw new Malformed(where + "'s payload is not followed by a newline: its length is wrong");
            }
            return new Item(index, headers, type, payload, length);
        }
        if (kept) {
            byte[] payload = line(maxItemBytes, where);
            if (payload == null) {
                payload = new byte[0];
                ended = true;
            }
            return new Item(index, headers, type, payload, payload.length);
        }
        long skipped = skipLine();
        return new Item(index, headers, type, null, skipped);
    }

    private JsonNode object(byte[] line, String what) throws Malformed {
        JsonNode node;
        try {
            node = json.readTree(line);
        } catch (JsonProcessingException e) {
            throw new Malformed(what + " is not valid JSON");
        } catch (IOException e) {
            throw new Malformed(what + " is unreadable");
        }
        if (node == null || !node.isObject()) {
            throw new Malformed(what + " must be a JSON object");
        }
        return node;
    }

    /** Bytes up to the next newline (not included) or the end; null at the end with nothing read. */
    private byte[] line(int max, String what) throws IOException {
        ByteArrayOutputStream out = null;
        byte[] chunk = new byte[Math.min(max, 256)];
        int n = 0;
        int b;
        boolean any = false;
        while ((b = in.read()) != -1) {
            any = true;
            if (b == '\n') {
                break;
            }
            if (n == chunk.length) {
                if (out == null) {
                    out = new ByteArrayOutputStream(chunk.length * 2);
                }
                out.write(chunk, 0, n);
                n = 0;
                if (out.size() >= max) {
                    throw new Bodies.TooLarge(what + " exceeds " + max + " bytes");
                }
            }
            chunk[n++] = (byte) b;
        }
        if (!any) {
            return null;
        }
        if (out == null) {
            return java.util.Arrays.copyOf(chunk, n);
        }
        out.write(chunk, 0, n);
        if (out.size() > max) {
            throw new Bodies.TooLarge(what + " exceeds " + max + " bytes");
        }
        return out.toByteArray();
    }

    private long skipLine() throws IOException {
        long n = 0;
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            n++;
        }
        if (b == -1) {
            ended = true;
        }
        return n;
    }

    private byte[] readExactly(int length, String where) throws IOException, Malformed {
        // Grown as bytes arrive: a header that claims a large length allocates nothing it is not sent.
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(length, 64 * 1024));
        byte[] buf = new byte[8192];
        int left = length;
        while (left > 0) {
            int n = in.read(buf, 0, Math.min(buf.length, left));
            if (n < 0) {
                throw new Malformed(where + "'s payload is shorter than its length (" + length + " bytes)");
            }
            out.write(buf, 0, n);
            left -= n;
        }
        return out.toByteArray();
    }

    private void skipExactly(long length, String where) throws IOException, Malformed {
        byte[] buf = new byte[8192];
        long left = length;
        while (left > 0) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (n < 0) {
                throw new Malformed(where + "'s payload is shorter than its length (" + length + " bytes)");
            }
            left -= n;
        }
    }

    private static boolean isBlank(byte[] line) {
        for (byte b : line) {
            if (b != ' ' && b != '\t' && b != '\r') {
                return false;
            }
        }
        return true;
    }
}
