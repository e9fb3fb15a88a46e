package dev.bloop.api;

/** UTF-8 sizes without encoding: the caps of the wire contract are in UTF-8 bytes. */
public final class Utf8 {
    private Utf8() {
    }

    /** How many bytes {@code s} takes in UTF-8 (a lone surrogate counts as the 3 bytes of its replacement). */
    public static int length(String s) {
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
    public static String truncate(String s, int maxBytes) {
        if (s == null || s.length() * 3 <= maxBytes || length(s) <= maxBytes) {
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
