package dev.bloop.service.llm;

import java.util.concurrent.ConcurrentHashMap;

/**
 * One shared copy of the short strings that repeat from span to span (models, providers, span names
 * and types, statuses). A full trace queue holds 4,096 traces; each span's JSON gives it its own
 * copies, and those copies were a fifth of the heap the queue kept alive (measured with
 * {@code jmap -histo:live} during a flood: 37.6 MB live, of which 23.3 MB is the idle server), which
 * the garbage collector then sized the old generation by. Bounded: a client sending ever-new values
 * makes it start over rather than grow.
 */
final class RepeatedStrings {
    private static final int MAX = 4_096;
    private final ConcurrentHashMap<String, String> copies = new ConcurrentHashMap<>();

    String of(String s) {
        if (s == null) {
            return null;
        }
        String kept = copies.putIfAbsent(s, s);
        if (kept != null) {
            return kept;
        }
        if (copies.size() > MAX) {
            copies.clear();
        }
        return s;
    }

    int size() {
        return copies.size();
    }
}
