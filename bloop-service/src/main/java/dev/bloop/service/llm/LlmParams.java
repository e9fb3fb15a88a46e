package dev.bloop.service.llm;

import dev.bloop.service.web.ApiProblem;
import java.util.Set;

/** Query parameters of the LLM API from their raw strings: a bad value is a 400 naming the parameter. */
public final class LlmParams {
    static final int MAX_HOURS = 720;
    static final int DEFAULT_HOURS = 24;
    static final int MAX_LIMIT = 200;
    static final int DEFAULT_LIMIT = 50;
    private static final int MAX_TEXT = 200;

    private LlmParams() {
    }

    public static int hours(String raw) {
        return (int) whole("hours", raw, DEFAULT_HOURS, 1, MAX_HOURS);
    }

    public static int limit(String raw) {
        return (int) whole("limit", raw, DEFAULT_LIMIT, 1, MAX_LIMIT);
    }

    public static int offset(String raw) {
        return (int) whole("offset", raw, 0, 0, 1_000_000);
    }

    public static long whole(String name, String raw, long fallback, long min, long max) {
        if (raw == null || raw.isEmpty()) {
            return fallback;
        }
        long value;
        try {
            value = Long.parseLong(raw.trim());
        } catch (NumberFormatException e) {
            throw ApiProblem.badRequest(name + " must be a whole number, got '" + abbreviate(raw) + "'", name);
        }
        if (value < min || value > max) {
            throw ApiProblem.badRequest(name + " must be between " + min + " and " + max + ", got " + value, name);
        }
        return value;
    }

    public static String text(String name, String raw) {
        if (raw == null || raw.isEmpty()) {
            return null;
        }
        if (raw.length() > MAX_TEXT) {
            throw ApiProblem.badRequest(name + " must be at most " + MAX_TEXT + " characters", name);
        }
        return raw;
    }

    public static String oneOf(String name, String raw, Set<String> allowed) {
        if (raw == null || raw.isEmpty()) {
            return null;
        }
        if (!allowed.contains(raw)) {
            throw ApiProblem.badRequest(name + " must be one of " + String.join(", ", new java.util.TreeSet<>(allowed))
                    + "; got '" + abbreviate(raw) + "'", name);
        }
        return raw;
    }

    public static Boolean bool(String name, String raw) {
        if (raw == null || raw.isEmpty()) {
            return null;
        }
        if (!raw.equals("true") && !raw.equals("false")) {
            throw ApiProblem.badRequest(name + " must be true or false", name);
        }
        return Boolean.parseBoolean(raw);
    }

    private static String abbreviate(String raw) {
        return raw.length() > 40 ? raw.substring(0, 40) + "..." : raw;
    }
}
