package dev.bloop.service.errors;

import java.util.Locale;
import java.util.Set;

/**
 * Parses query parameters from their raw strings, so that a bad value is a 400 naming the
 * parameter (Jersey's own conversion would answer 404 for a non-numeric number).
 */
final class Params {
    static final Set<String> STATUSES = Set.of("unresolved", "resolved", "ignored", "muted");

    private Params() {
    }

    static long longParam(String name, String raw, long fallback, long min, long max) {
        if (raw == null || raw.isEmpty()) {
            return fallback;
        }
        long value;
        try {
            value = Long.parseLong(raw.trim());
        } catch (NumberFormatException e) {
            throw new BadParameterException(name, name + " must be an integer, got '" + abbreviate(raw) + "'");
        }
        if (value < min || value > max) {
            throw new BadParameterException(name, name + " must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }

    static int intParam(String name, String raw, int fallback, int min, int max) {
        return (int) longParam(name, raw, fallback, min, max);
    }

    static Long optionalLong(String name, String raw) {
        return raw == null || raw.isEmpty() ? null : longParam(name, raw, 0, 0, Long.MAX_VALUE);
    }

    static String status(String raw) {
        if (raw == null || raw.isEmpty()) {
            return null;
        }
        String s = raw.trim().toLowerCase(Locale.ROOT);
        if (!STATUSES.contains(s)) {
            throw new BadParameterException("status", "status must be one of unresolved, resolved, ignored, muted; got '"
                    + abbreviate(raw) + "'");
        }
        return s;
    }

    static String text(String name, String raw, int maxLength) {
        if (raw == null || raw.isEmpty()) {
            return null;
        }
        if (raw.length() > maxLength) {
            throw new BadParameterException(name, name + " must be at most " + maxLength + " characters");
        }
        return raw;
    }

    private static String abbreviate(String raw) {
        return raw.length() > 40 ? raw.substring(0, 40) + "..." : raw;
    }
}
