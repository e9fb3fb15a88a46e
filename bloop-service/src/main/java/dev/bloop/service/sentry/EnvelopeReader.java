package dev.bloop.service.sentry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
    static final int MAX_READ_AHEAD = 16 * 1024;

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
    /** Read ahead from {@code in}: bytes {@code pos..lim} are not consumed yet. */
    private final byte[] buf;
    private int pos;
    private int lim;
    private final ObjectMapper json;
    private final int maxItemBytes;
    private int items;
    private boolean ended;

    EnvelopeReader(InputStream in, ObjectMapper json, int maxItemBytes) {
        this(in, json, maxItemBytes, MAX_READ_AHEAD);
    }

    /**
     * @param readAhead the read-ahead buffer's size: a typical envelope is a few kilobytes, and a buffer
     *                  sized for the largest was, at thousands of envelopes a second, a quarter of all the
     *                  memory ingest allocated (async-profiler's allocation profile over bench/sentry.sh)
     */
    EnvelopeReader(InputStream in, ObjectMapper json, int maxItemBytes, int readAhead) {
        this.buf = new byte[Math.max(64, Math.min(readAhead, MAX_READ_AHEAD))];
        this.in = in;
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
            int after = read();
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

    /** Refills the read-ahead; false at the end of the body. */
    private boolean fill() throws IOException {
        pos = 0;
        lim = 0;
        int n;
        do {
            n = in.read(buf, 0, buf.length);
        } while (n == 0);
        if (n < 0) {
            return false;
        }
        lim = n;
        return true;
    }

    private int read() throws IOException {
        if (pos == lim && !fill()) {
            return -1;
        }
        return buf[pos++] & 0xFF;
    }

    /** Bytes up to the next newline (not included) or the end; null at the end with nothing read. */
    private byte[] line(int max, String what) throws IOException {
        ByteArrayOutputStream spill = null;
        while (true) {
            if (pos == lim && !fill()) {
                if (spill == null) {
                    return null;
                }
                return spill.toByteArray();
            }
            int nl = pos;
            while (nl < lim && buf[nl] != '\n') {
                nl++;
            }
            int n = nl - pos;
            int total = (spill == null ? 0 : spill.size()) + n;
            if (total > max) {
                throw new Bodies.TooLarge(what + " exceeds " + max + " bytes");
            }
            if (nl < lim) {
                byte[] out;
                if (spill == null) {
                    out = java.util.Arrays.copyOfRange(buf, pos, nl);
                } else {
                    spill.write(buf, pos, n);
                    out = spill.toByteArray();
                }
                pos = nl + 1;
                return out;
            }
            if (spill == null) {
                spill = new ByteArrayOutputStream(Math.max(256, n * 2));
            }
            spill.write(buf, pos, n);
            pos = lim;
        }
    }

    private long skipLine() throws IOException {
        long n = 0;
        while (true) {
            if (pos == lim && !fill()) {
                ended = true;
                return n;
            }
            int nl = pos;
            while (nl < lim && buf[nl] != '\n') {
                nl++;
            }
            n += nl - pos;
            if (nl < lim) {
                pos = nl + 1;
                return n;
            }
            pos = lim;
        }
    }

    private byte[] readExactly(int length, String where) throws IOException, Malformed {
        // Grown as bytes arrive: a header that claims a large length allocates nothing it is not sent.
        byte[] out = new byte[Math.min(length, 64 * 1024)];
        int have = 0;
        while (have < length) {
            if (pos == lim && !fill()) {
                throw new Malformed(where + "'s payload is shorter than its length (" + length + " bytes)");
            }
            int n = Math.min(lim - pos, length - have);
            if (have + n > out.length) {
                out = java.util.Arrays.copyOf(out, (int) Math.min(length, Math.max((long) out.length * 2, have + n)));
            }
            System.arraycopy(buf, pos, out, have, n);
            have += n;
            pos += n;
        }
        return out.length == length ? out : java.util.Arrays.copyOf(out, length);
    }

    private void skipExactly(long length, String where) throws IOException, Malformed {
        long left = length;
        while (left > 0) {
            if (pos == lim && !fill()) {
                throw new Malformed(where + "'s payload is shorter than its length (" + length + " bytes)");
            }
            int n = (int) Math.min(lim - pos, left);
            pos += n;
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
