package dev.bloop.service.pipeline;

import java.util.List;

/**
 * What one committed flush learned, handed to listeners (the alert engine) after the commit.
 *
 * @param changes   one entry per group touched by the flush
 * @param committed the events this flush committed, in batch order: listeners count them (by
 *                  receive time, group and environment) exactly as the flush counted them into
 *                  {@code minute_counts}, so in-memory windows and the table never disagree.
 *                  Listeners must not keep them longer than it takes to count them.
 */
public record FlushOutcome(int events, long committedAt, List<GroupChange> changes, List<AcceptedEvent> committed) {

    /**
     * @param created   the group did not exist before this flush (decided by the database)
     * @param regressed the group was {@code resolved} and has been re-opened
     * @param count     events of this group in the flush
     * @param latest    the most recent of those events
     * @param status    the group's status after the flush
     */
    public record GroupChange(String projectId, String fingerprint, boolean created, boolean regressed,
                              int count, AcceptedEvent latest, String status) {
    }
}
