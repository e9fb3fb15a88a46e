package dev.bloop.service.errors;

/**
 * A validated list request. {@code release} and {@code environment} narrow the counts to matching
 * events; {@code since}/{@code until} bound last_seen (epoch ms, inclusive).
 */
record GroupFilter(String projectId, String release, String environment, String source, String route,
                   String status, String q, Long since, Long until, GroupSort sort, int limit, int offset) {

    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 200;

    boolean narrowsCounts() {
        return release != null || environment != null;
    }
}
