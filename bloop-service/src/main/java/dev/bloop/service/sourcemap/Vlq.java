package dev.bloop.service.sourcemap;

/**
 * Base64 VLQ as Source Map v3 encodes its mappings: each value is a run of 6-bit digits, lowest
 * first, with a continuation bit (32) and the sign in the lowest bit of the first digit.
 */
final class Vlq {
    private static final int[] DIGITS = new int[128];

    static {
        java.util.Arrays.fill(DIGITS, -1);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (int i = 0; i < alphabet.length(); i++) {
            DIGITS[alphabet.charAt(i)] = i;
        }
    }

    private Vlq() {
    }

    /**
     * Decodes one value starting at {@code pos[0]} and advances it.
     *
     * @throws IllegalArgumentException on a character outside base64 or a value cut short
     */
    static int decode(String s, int[] pos) {
        int result = 0;
        int shift = 0;
        while (true) {
            if (pos[0] >= s.length()) {
                throw new IllegalArgumentException("mappings end in the middle of a value");
            }
            char c = s.charAt(pos[0]++);
            int digit = c < 128 ? DIGITS[c] : -1;
            if (digit < 0) {
                throw new IllegalArgumentException("mappings contain '" + c + "', not base64");
            }
            if (shift > 30) {
                throw new IllegalArgumentException("mappings hold a value too large");
            }
            result |= (digit & 31) << shift;
            shift += 5;
            if ((digit & 32) == 0) {
                break;
            }
        }
        boolean negative = (result & 1) == 1;
        result >>>= 1;
        return negative ? -result : result;
    }
}
