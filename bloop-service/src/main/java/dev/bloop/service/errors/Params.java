package dev.bloop.service.errors;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Parses query parameters from their raw strings, so that a bad value is a 400 naming the
 * parameter (Jersey's own conversion would answer 404 for a non-numeric number).
 */
final class Params {
    static final Set<String> STATUSES = Set.of("unresolved", "resolved", "ignored", "muted");
    static final int MAX_VALUES = 50;

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

    static boolean bool(String name, String raw) {
        if (raw == null || raw.isEmpty()) {
            return false;
        }
        return switch (raw.trim().toLowerCase(Locale.ROOT)) {
            case "true", "1" -> true;
            case "false", "0" -> false;
            default -> throw new BadParameterException(name, name + " must be true or false, got '" + abbreviate(raw) + "'");
        };
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

    /**
     * A repeatable parameter ({@code environment=prod&environment=staging}): null when absent or
     * empty, else its distinct non-empty values, each at most {@code maxLength}, at most {@link #MAX_VALUES}.
     */
    static List<String> texts(String name, List<String> raw, int maxLength) {
        if (raw == null) {
            return null;
        }
        Set<String> values = new LinkedHashSet<>();
        for (String v : raw) {
            String one = text(name, v, maxLength);
            if (one != null) {
                values.add(one);
            }
        }
        if (values.size() > MAX_VALUES) {
            throw new BadParameterException(name, name + " takes at most " + MAX_VALUES + " values, got " + values.size());
        }
        return values.isEmpty() ? null : List.copyOf(values);
    }

    private static String abbreviate(String raw) {
        return raw.length() > 40 ? raw.substring(0, 40) + "..." : raw;
    }
}
