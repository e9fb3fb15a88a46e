package dev.bloop.service.errors;

import dev.bloop.service.store.Dialect;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns the user's {@code q} into a full-text search: every word must match, as a prefix ("undef"
 * finds "undefined"); an FTS5 MATCH expression on SQLite, a {@code to_tsquery} text on PostgreSQL.
 * Only letters and digits reach either, so no input can inject its query syntax.
 */
public final class SearchQuery {
    private static final int MAX_TERMS = 16;

    private SearchQuery() {
    }

    /** The search in the database's syntax, or null when {@code q} has no word at all. */
    public static String of(Dialect dialect, String q) {
        List<String> terms = terms(q);
        if (terms.isEmpty()) {
            return null;
        }
        // PostgreSQL: to_tsquery's prefix form, every word required; the words hold letters and digits only.
        return dialect == Dialect.SQLITE ? String.join(" ", terms.stream().map(t -> "\"" + t + "\"*").toList())
                : String.join(" & ", terms.stream().map(t -> t.toLowerCase(Locale.ROOT) + ":*").toList());
    }

    private static List<String> terms(String q) {
        List<String> terms = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        for (int i = 0; i <= q.length(); i++) {
            int cp = i < q.length() ? q.codePointAt(i) : ' ';
            if (Character.isLetterOrDigit(cp)) {
                word.appendCodePoint(cp);
                if (Character.isSupplementaryCodePoint(cp)) {
                    i++;
                }
            } else if (word.length() > 0) {
                if (terms.size() < MAX_TERMS) {
                    terms.add(word.toString());
                }
                word.setLength(0);
            }
        }
        return terms;
    }
}
