package dev.bloop.client;

/** The server's caps, enforced before sending so that an event is never refused for its size. */
final class Limits {
    static final int MAX_MESSAGE_BYTES = 2_048;
    static final int MAX_STACK_BYTES = 8_192;
    static final int MAX_METADATA_BYTES = 4_096;
    static final int MAX_FINGERPRINT_CHARS = 256;
    static final int MAX_BODY_BYTES = 32_768;
    static final int MAX_BATCH_EVENTS = 50;
    /** {@code {"events":[]}} and the commas between events. */
    static final int ENVELOPE_BYTES = 16;

    private Limits() {
    }

    static int utf8Length(String s) {
        int bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    /** The longest prefix of {@code s} within {@code maxBytes} of UTF-8, never splitting a character. */
    static String truncateUtf8(String s, int maxBytes) {
        if (s == null || s.length() * 3 <= maxBytes || utf8Length(s) <= maxBytes) {
            return s;
        }
        int bytes = 0;
        int i = 0;
        while (i < s.length()) {
            int cp = s.codePointAt(i);
            int size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (bytes + size > maxBytes) {
                break;
            }
            bytes += size;
            i += Character.charCount(cp);
        }
        return s.substring(0, i);
    }
}
