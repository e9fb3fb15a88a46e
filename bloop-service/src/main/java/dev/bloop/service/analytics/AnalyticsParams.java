package dev.bloop.service.analytics;

import dev.bloop.service.web.ApiProblem;

/** Query parameters from their raw strings, so that a bad value is a 400 naming the parameter. */
final class AnalyticsParams {
    private AnalyticsParams() {
    }

    static int intParam(String name, String raw, int fallback, int min, int max) {
        if (raw == null || raw.isEmpty()) {
            return fallback;
        }
        long value;
        try {
            value = Long.parseLong(raw.trim());
        } catch (NumberFormatException e) {
            throw ApiProblem.badRequest(name + " must be an integer, got '" + abbreviate(raw) + "'", name);
        }
        if (value < min || value > max) {
            throw ApiProblem.badRequest(name + " must be between " + min + " and " + max + ", got " + value, name);
        }
        return (int) value;
    }

    static String text(String name, String raw, int maxLength) {
        if (raw == null || raw.isEmpty()) {
            return null;
        }
        if (raw.length() > maxLength) {
            throw ApiProblem.badRequest(name + " must be at most " + maxLength + " characters", name);
        }
        return raw;
    }

    private static String abbreviate(String raw) {
        return raw.length() > 40 ? raw.substring(0, 40) + "..." : raw;
    }
}
