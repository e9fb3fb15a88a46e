package dev.bloop.service.fingerprint;

import com.dynatrace.hash4j.hashing.Hasher64;
import com.dynatrace.hash4j.hashing.Hashing;
import java.nio.charset.StandardCharsets;

/**
 * Computes an event's group: XXH3-64 (seed 0) over the UTF-8 bytes of
 * {@code source \n error_type \n normalized message \n (top in-app frame | route)}, or over a
 * client-supplied fingerprint, which replaces the computed key.
 */
public final class Fingerprinter {
    public static final int VERSION = 1;
    private static final Hasher64 XXH3 = Hashing.xxh3_64();
    private static final char SEPARATOR = '\n';

    private Fingerprinter() {
    }

    public static GroupingKey group(String source, String errorType, String message, String stack,
                                    String route, String clientFingerprint) {
        if (clientFingerprint != null && !clientFingerprint.isBlank()) {
            return new GroupingKey(hash(clientFingerprint), VERSION, GroupingKey.CLIENT, null, null, null);
        }
        String normalized = MessageNormalizer.normalize(message);
        String frame = StackFramePicker.topFrame(stack);
        boolean useFrame = !frame.isEmpty();
        String tail = useFrame ? frame : route == null ? "" : route;
        String key = source + SEPARATOR + errorType + SEPARATOR + normalized + SEPARATOR + tail;
        return new GroupingKey(hash(key), VERSION, GroupingKey.COMPUTED, normalized,
                useFrame ? frame : null, useFrame || route == null ? null : route);
    }

    /** 16 lower-case hex characters, zero-padded. */
    public static String hash(String key) {
        long h = XXH3.hashBytesToLong(key.getBytes(StandardCharsets.UTF_8));
        String hex = Long.toHexString(h);
        return hex.length() == 16 ? hex : "0".repeat(16 - hex.length()) + hex;
    }
}
