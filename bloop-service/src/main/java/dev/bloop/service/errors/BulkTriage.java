package dev.bloop.service.errors;

import dev.bloop.api.BulkResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One action on many issues of one project, in one transaction: each issue that changes gets its own
 * history row; an issue already in that state, or a fingerprint that names no issue of this project
 * (whatever project it may belong to), is skipped and counted.
 */
final class BulkTriage {
    static final int MAX_FINGERPRINTS = 1_000;
    static final int MAX_MATCHES = 10_000;

    private final StatusService statuses;

    BulkTriage(StatusService statuses) {
        this.statuses = statuses;
    }

    /**
     * {@code status} is the new status ({@code inNextRelease}: resolved in the next release), or null
     * for an assignment to {@code who} (null: nobody).
     */
    BulkResult apply(String projectId, String action, String status, boolean inNextRelease,
                     StatusService.Assignee who, List<String> fingerprints, String actor) {
        return statuses.inTransaction(h -> {
            int changed = 0;
            List<String> notFound = new ArrayList<>();
            for (String fp : fingerprints) {
                Optional<Integer> updated = status != null
                        ? StatusService.change(h, projectId, fp, status, actor, inNextRelease).map(u -> u.updated())
                        : StatusService.assign(h, projectId, fp, who, actor).map(u -> u.updated());
                if (updated.isEmpty()) {
                    notFound.add(fp);
                } else {
                    changed += updated.get();
                }
            }
            return new BulkResult(action, fingerprints.size() - notFound.size(), changed, fingerprints.size() - changed, notFound);
        });
    }
}
