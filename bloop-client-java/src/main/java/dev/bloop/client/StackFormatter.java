package dev.bloop.client;

import dev.bloop.api.Utf8;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * A throwable's stack in the shape bloop groups by: frame lines {@code "\tat Type.method(File.java:12)"}
 * first (no header line, whose message would vary), then each cause as {@code "Caused by: Type: message"}
 * followed by its own frames. Cut at the byte cap on a line boundary.
 */
final class StackFormatter {
    private static final int MAX_CAUSES = 10;
    private static final int MAX_FRAMES = 32;

    private StackFormatter() {
    }

    static String format(Throwable t, int maxBytes) {
        StringBuilder out = new StringBuilder();
        int[] bytes = {0};
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        StackTraceElement[] enclosing = new StackTraceElement[0];
        Throwable current = t;
        for (int depth = 0; current != null && depth <= MAX_CAUSES && seen.add(current); depth++) {
            if (depth > 0 && !append(out, bytes, maxBytes, "Caused by: " + current.getClass().getName()
                    + (current.getMessage() == null ? "" : ": " + current.getMessage()) + "\n")) {
                break;
            }
            StackTraceElement[] frames = current.getStackTrace();
            // As the JVM prints it: frames a cause shares with the trace that wraps it become "... N more",
            // so a deep framework stack does not push the cause out of the size cap.
            int common = 0;
            while (common < frames.length && common < enclosing.length
                    && frames[frames.length - 1 - common].equals(enclosing[enclosing.length - 1 - common])) {
                common++;
            }
            // And at most MAX_FRAMES of each throwable's own, so every cause in the chain gets room.
            int shown = Math.min(frames.length - common, MAX_FRAMES);
            for (int i = 0; i < shown; i++) {
                if (!append(out, bytes, maxBytes, "\tat " + frames[i] + "\n")) {
                    return out.toString();
                }
            }
            int omitted = frames.length - shown;
            if (omitted > 0 && !append(out, bytes, maxBytes, "\t... " + omitted + " more\n")) {
                return out.toString();
            }
            enclosing = frames;
            current = current.getCause();
        }
        return out.toString();
    }

    private static boolean append(StringBuilder out, int[] bytes, int maxBytes, String line) {
        int size = Utf8.length(line);
        if (bytes[0] + size > maxBytes) {
            return false;
        }
        out.append(line);
        bytes[0] += size;
        return true;
    }
}
