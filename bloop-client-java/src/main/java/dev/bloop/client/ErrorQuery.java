package dev.bloop.client;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** Filters, order and page for {@code GET /v1/errors}. Immutable: each setter returns a copy. */
public final class ErrorQuery {
    /** How the list is ordered, always newest or largest first. */
    public enum Sort { LAST_SEEN, TOTAL_COUNT, FIRST_SEEN }

    private final Map<String, String> params;

    private ErrorQuery(Map<String, String> params) {
        this.params = params;
    }

    public static ErrorQuery all() {
        return new ErrorQuery(new LinkedHashMap<>());
    }

    private ErrorQuery with(String key, Object value) {
        Map<String, String> copy = new LinkedHashMap<>(params);
        if (value == null) {
            copy.remove(key);
        } else {
            copy.put(key, value.toString());
        }
        return new ErrorQuery(copy);
    }

    public ErrorQuery release(String release) {
        return with("release", release);
    }

    public ErrorQuery environment(String environment) {
        return with("environment", environment);
    }

    public ErrorQuery source(String source) {
        return with("source", source);
    }

    public ErrorQuery route(String route) {
        return with("route", route);
    }

    /** {@code unresolved}, {@code resolved}, {@code ignored} or {@code muted}. */
    public ErrorQuery status(String status) {
        return with("status", status);
    }

    /** Full-text search over error type and message; every word must match as a prefix. */
    public ErrorQuery search(String q) {
        return with("q", q);
    }

    /** Last seen at or after this epoch ms. */
    public ErrorQuery since(long epochMs) {
        return with("since", epochMs);
    }

    /** Last seen at or before this epoch ms. */
    public ErrorQuery until(long epochMs) {
        return with("until", epochMs);
    }

    public ErrorQuery sort(Sort sort) {
        return with("sort", sort.name().toLowerCase(java.util.Locale.ROOT));
    }

    /** 1 to 200; the server's default is 50. */
    public ErrorQuery limit(int limit) {
        return with("limit", limit);
    }

    public ErrorQuery offset(long offset) {
        return with("offset", offset);
    }

    int limitOr(int fallback) {
        return params.containsKey("limit") ? Integer.parseInt(params.get("limit")) : fallback;
    }

    long offsetOr(long fallback) {
        return params.containsKey("offset") ? Long.parseLong(params.get("offset")) : fallback;
    }

    String toQueryString() {
        return params.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }
}
