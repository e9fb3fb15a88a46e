package dev.bloop.service.fingerprint;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds which of many prefixes occur in a stack frame line where a package name, path segment or
 * module starts: {@code org.postgresql.} matches {@code at org.postgresql.core.v3...} and
 * {@code app//org.postgresql...} but not {@code com.acme.org.postgresql...}; a prefix that itself
 * begins with a separator ({@code /gems/}, {@code (internal/}) matches wherever it occurs. A token
 * entry ({@code Foundation}) matches only a whole white-space separated token, so an app's own
 * {@code MyFoundationKit} or {@code com.acme.foundation} never does.
 *
 * <p>Entries are indexed by their first character, so a line costs a table lookup per word start
 * instead of one search per prefix: this runs on the ingest thread for every frame it looks at.
 */
final class PrefixMatcher {
    /** One prefix; {@code include} is what a per-project rule decides (unused for built-in lists). */
    record Entry(String text, boolean wholeToken, boolean include) {
    }

    private static final Entry[] NONE = new Entry[0];
    private final Entry[][] ascii = new Entry[128][];
    private final Map<Character, Entry[]> other = new HashMap<>();

    PrefixMatcher(List<Entry> entries) {
        Map<Character, List<Entry>> byFirst = new LinkedHashMap<>();
        for (Entry e : entries) {
            if (!e.text().isEmpty()) {
                byFirst.computeIfAbsent(e.text().charAt(0), c -> new ArrayList<>()).add(e);
            }
        }
        byFirst.forEach((c, list) -> {
            Entry[] bucket = list.toArray(NONE);
            if (c < 128) {
                ascii[c] = bucket;
            } else {
                other.put(c, bucket);
            }
        });
    }

    static PrefixMatcher of(List<String> prefixes, List<String> tokens) {
        List<Entry> entries = new ArrayList<>();
        prefixes.forEach(p -> entries.add(new Entry(p, false, false)));
        tokens.forEach(t -> entries.add(new Entry(t, true, false)));
        return new PrefixMatcher(entries);
    }

    /** Whether any entry matches the line. */
    boolean matches(String line) {
        return find(line, false) != null;
    }

    /** Whether an entry starts exactly at {@code i}. */
    boolean matchesAt(String line, int i) {
        if (i >= line.length()) {
            return false;
        }
        char c = line.charAt(i);
        Entry[] bucket = c < 128 ? ascii[c] : other.get(c);
        if (bucket != null) {
            for (Entry e : bucket) {
                if (line.startsWith(e.text(), i)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The longest matching entry; of two as long, an include. Null when none matches. */
    Entry longest(String line) {
        return find(line, true);
    }

    private Entry find(String line, boolean longest) {
        Entry best = null;
        int n = line.length();
        boolean previousWord = false;
        for (int i = 0; i < n; i++) {
            char c = line.charAt(i);
            boolean word = isWordChar(c);
            boolean insideName = word && previousWord;
            previousWord = word;
            if (insideName) {
                continue; // a prefix must start where a name or path segment starts
            }
            Entry[] bucket = c < 128 ? ascii[c] : other.get(c);
            if (bucket == null) {
                continue;
            }
            for (Entry e : bucket) {
                if (!line.startsWith(e.text(), i) || (e.wholeToken() && !wholeToken(line, i, e.text().length()))) {
                    continue;
                }
                if (!longest) {
                    return e;
                }
                if (best == null || e.text().length() > best.text().length()
                        || (e.text().length() == best.text().length() && e.include() && !best.include())) {
                    best = e;
                }
            }
        }
        return best;
    }

    private static boolean wholeToken(String line, int start, int length) {
        int end = start + length;
        return (start == 0 || Character.isWhitespace(line.charAt(start - 1)))
                && (end == line.length() || Character.isWhitespace(line.charAt(end)));
    }

    private static final boolean[] ASCII_WORD = new boolean[128];

    static {
        for (char c = 0; c < 128; c++) {
            ASCII_WORD[c] = Character.isLetterOrDigit(c) || c == '.' || c == '_' || c == '$' || c == '-';
        }
    }

    /** Characters that continue a package, module or file name. */
    static boolean isWordChar(char c) {
        return c < 128 ? ASCII_WORD[c] : Character.isLetterOrDigit(c);
    }
}
