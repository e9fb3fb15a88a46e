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
    /**
     * The grouping algorithm's version, stored with each group. 2: library lists for JVM drivers,
     * pools and frameworks, Android, Apple system libraries, Node, browsers, Python and Ruby;
     * per-project in-app rules; only {@code at} lines are frames in JVM and V8 stacks and only
     * {@code File} lines in Python stacks; Python's own tracebacks read innermost call first.
     */
    public static final int VERSION = 2;
    public static final String CLIENT_REASON = "client fingerprint";
    public static final String ROUTE_REASON = "no stack: route";
    public static final String NO_FRAME_ROUTE_REASON = "no frame in the stack: route";
    public static final String MESSAGE_ONLY_REASON = "no stack and no route: error type and message only";
    private static final Hasher64 XXH3 = Hashing.xxh3_64();
    private static final char SEPARATOR = '\n';

    private Fingerprinter() {
    }

    public static GroupingKey group(String source, String errorType, String message, String stack,
                                    String route, String clientFingerprint) {
        return group(source, errorType, message, stack, route, clientFingerprint, InAppRules.NONE);
    }

    /** The group of an event, with the project's in-app rules deciding which frames are its code. */
    public static GroupingKey group(String source, String errorType, String message, String stack,
                                    String route, String clientFingerprint, InAppRules rules) {
        if (clientFingerprint != null && !clientFingerprint.isBlank()) {
            return new GroupingKey(hash(clientFingerprint), VERSION, GroupingKey.CLIENT, null, null, null,
                    CLIENT_REASON, rules.version());
        }
        String normalized = MessageNormalizer.normalize(message);
        StackFramePicker.Pick pick = StackFramePicker.pick(stack, rules);
        if (pick != null && pick.frame().isEmpty()) {
            pick = null; // a frame of nothing but an address or position tells nothing apart
        }
        String tail;
        String reason;
        if (pick != null) {
            tail = pick.frame();
            reason = pick.reason();
        } else {
            tail = route == null ? "" : route;
            boolean noStack = stack == null || stack.isBlank();
            reason = route == null ? MESSAGE_ONLY_REASON : noStack ? ROUTE_REASON : NO_FRAME_ROUTE_REASON;
        }
        String key = source + SEPARATOR + errorType + SEPARATOR + normalized + SEPARATOR + tail;
        return new GroupingKey(hash(key), VERSION, GroupingKey.COMPUTED, normalized,
                pick == null ? null : pick.frame(), pick != null || route == null ? null : route, reason,
                rules.version());
    }

    /** 16 lower-case hex characters, zero-padded. */
    public static String hash(String key) {
        long h = XXH3.hashBytesToLong(key.getBytes(StandardCharsets.UTF_8));
        String hex = Long.toHexString(h);
        return hex.length() == 16 ? hex : "0".repeat(16 - hex.length()) + hex;
    }
}
