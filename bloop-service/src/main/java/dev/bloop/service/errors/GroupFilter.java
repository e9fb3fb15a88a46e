package dev.bloop.service.errors;

import java.util.List;

/**
 * A validated list request. Each of {@code releases}, {@code environments}, {@code sources} and
 * {@code routes} is null (no filter) or the values any of which may match. Releases and environments
 * narrow the counts to matching events; {@code since}/{@code until} bound last_seen (epoch ms,
 * inclusive). {@code firstSeenInRelease} keeps only groups whose first event came in the release.
 * {@code projects} are the projects listed (one, or several for the all-projects stream; never empty);
 * {@code assignee} is null (anyone or nobody), {@link #NOBODY} or a user id.
 */
record GroupFilter(List<String> projects, List<String> releases, List<String> environments, List<String> sources,
                   List<String> routes, String status, String q, Long since, Long until, String assignee, GroupSort sort, int limit,
                   int offset, boolean firstSeenInRelease) {

    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 200;
    static final String NOBODY = "";

    boolean narrowsCounts() {
        return releases != null || environments != null;
    }
}
