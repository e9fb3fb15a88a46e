package dev.bloop.service.llm.eval;

import com.fasterxml.jackson.databind.ObjectReader;
import dev.bloop.api.ApiError;
import dev.bloop.api.llm.eval.Feedback;
import dev.bloop.api.llm.eval.FeedbackIn;
import dev.bloop.service.ingest.IngestDoor;
import dev.bloop.service.ingest.IngestMetrics;
import dev.bloop.service.ingest.InvalidEvent;
import dev.bloop.service.ingest.StrictBodies;
import dev.bloop.service.web.ApiProblem;

/**
 * {@code POST /v1/traces/{id}/feedback}, signed like trace ingest: an SDK or the proxy attaches a user's
 * vote to a trace it sent earlier, by its id, with the project's ingest key and secret (no API token in
 * the app). The trace may still be queued for the writer.
 */
final class SignedFeedback {
    private final ObjectReader reader = EvalBodies.mapper().readerFor(FeedbackIn.class);
    private final FeedbackStore store;
    private final TraceLookup traces;

    SignedFeedback(FeedbackStore store, TraceLookup traces) {
        this.store = store;
        this.traces = traces;
    }

    void accept(IngestDoor.Exchange x, String traceId) {
        if (!x.requireJson()) {
            return;
        }
        Feedback f;
        try {
            FeedbackIn in = StrictBodies.read(reader, x.body(), x.length());
            f = FeedbackStore.check(traceId, in, System.currentTimeMillis());
        } catch (InvalidEvent e) {
            x.reject(400, IngestMetrics.Reason.INVALID, new ApiError(e.getMessage(), e.field()));
            return;
        } catch (ApiProblem e) {
            x.reject(400, IngestMetrics.Reason.INVALID, (ApiError) e.getResponse().getEntity());
            return;
        }
        if (traces.spans(x.projectId(), traceId) == null) {
            x.reject(404, IngestMetrics.Reason.NOT_FOUND, new ApiError("no trace '" + traceId + "' in this project: "
                    + "send it with POST /v1/traces first", "id"));
            return;
        }
        store.store(x.projectId(), f);
        x.accepted(f);
    }
}
