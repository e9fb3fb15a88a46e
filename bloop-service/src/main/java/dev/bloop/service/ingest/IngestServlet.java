package dev.bloop.service.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bloop.api.ApiError;
import dev.bloop.api.BatchResult;
import dev.bloop.api.IngestEvent;
import dev.bloop.api.IngestAccepted;
import dev.bloop.api.Signatures;
import dev.bloop.service.pipeline.AcceptedEvent;
import dev.bloop.service.pipeline.EventQueue;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code POST /v1/ingest} and {@code POST /v1/ingest/batch}, served as a plain servlet beside Jersey:
 * the hot path does no resource matching, no filters and no request log. The checks run in the
 * order the contract fixes: signature present and hex (401), body within the cap (413), project key
 * known (401), signature matches (401); only then content type and JSON (400) and the queue (429).
 */
public final class IngestServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final int RETRY_AFTER_SECS = 1;

    private final transient IngestHandler handler;
    private final transient ObjectMapper json;
    private final int maxPayloadBytes;
    private final boolean batch;

    IngestServlet(IngestHandler handler, ObjectMapper json, int maxPayloadBytes, boolean batch) {
        this.handler = handler;
        this.json = json;
        this.maxPayloadBytes = maxPayloadBytes;
        this.batch = batch;
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        // Browser SDKs post cross-origin; ingest is authenticated by signature, not by origin.
        resp.setHeader("Access-Control-Allow-Origin", "*");
        switch (req.getMethod()) {
            case "POST" -> post(req, resp);
            case "OPTIONS" -> {
                resp.setHeader("Access-Control-Allow-Methods", "POST, OPTIONS");
                resp.setHeader("Access-Control-Allow-Headers", "Content-Type, X-Signature, X-Project-Key");
                resp.setHeader("Access-Control-Max-Age", "86400");
                resp.setStatus(HttpServletResponse.SC_NO_CONTENT);
            }
            default -> {
                resp.setHeader("Allow", "POST, OPTIONS");
                send(resp, 405, ApiError.of("method " + req.getMethod() + " is not allowed; use POST"));
            }
        }
    }

    private void post(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String signature = req.getHeader(Signatures.HEADER);
        if (signature == null || signature.isBlank()) {
            discardBody(req, resp);
            reject(resp, 401, IngestMetrics.Reason.MISSING_SIGNATURE,
                    new ApiError("missing X-Signature header", Signatures.HEADER));
            return;
        }
        byte[] presented = SignatureCheck.decodeHex(signature);
        if (presented == null) {
            discardBody(req, resp);
            reject(resp, 401, IngestMetrics.Reason.BAD_SIGNATURE_ENCODING,
                    new ApiError("X-Signature is not hex-encoded", Signatures.HEADER));
            return;
        }
        long declared = req.getContentLengthLong();
        byte[] body = declared > maxPayloadBytes ? null : readCapped(req.getInputStream(), declared);
        if (body == null) {
            resp.setHeader("Connection", "close");
            reject(resp, 413, IngestMetrics.Reason.PAYLOAD_TOO_LARGE,
                    ApiError.of("request body exceeds " + maxPayloadBytes + " bytes"));
            return;
        }
        SignatureCheck.Result auth = handler.signatures().verify(
                req.getHeader(Signatures.PROJECT_KEY_HEADER), body, body.length, presented);
        if (auth.failure() == SignatureCheck.Failure.UNKNOWN_PROJECT_KEY) {
            reject(resp, 401, IngestMetrics.Reason.UNKNOWN_PROJECT_KEY,
                    new ApiError("unknown X-Project-Key", Signatures.PROJECT_KEY_HEADER));
            return;
        }
        if (auth.failure() == SignatureCheck.Failure.BAD_SIGNATURE) {
            reject(resp, 401, IngestMetrics.Reason.BAD_SIGNATURE,
                    new ApiError("X-Signature does not match the HMAC-SHA256 of the request body", Signatures.HEADER));
            return;
        }
        if (!EventDecoder.isJsonContentType(req.getContentType())) {
            reject(resp, 400, IngestMetrics.Reason.INVALID,
                    new ApiError("Content-Type must be application/json", "Content-Type"));
            return;
        }
        if (handler.queue().isFull()) {
            // Parsing a body that cannot be queued only takes CPU from the writer that would drain it.
            refuse(resp, EventQueue.Offer.FULL);
            return;
        }
        if (batch) {
            postBatch(resp, body, auth.projectId());
        } else {
            postOne(resp, body, auth.projectId());
        }
    }

    private void postOne(HttpServletResponse resp, byte[] body, String projectId) throws IOException {
        AcceptedEvent event;
        try {
            IngestEvent decoded = handler.decoder().single(body, body.length);
            event = handler.validator().validate(decoded, projectId, System.currentTimeMillis());
        } catch (InvalidEvent e) {
            reject(resp, 400, IngestMetrics.Reason.INVALID, new ApiError(e.getMessage(), e.field()));
            return;
        }
        if (enqueued(resp, List.of(event))) {
            send(resp, 200, IngestAccepted.of(event.fingerprint()));
        }
    }

    private void postBatch(HttpServletResponse resp, byte[] body, String projectId) throws IOException {
        List<IngestEvent> decoded = handler.decoder().wholeBatch(body, body.length);
        List<JsonNode> elements = null;
        if (decoded == null || decoded.size() > handler.maxBatchSize()) {
            try {
                elements = handler.decoder().batch(body, body.length, handler.maxBatchSize());
            } catch (InvalidEvent e) {
                reject(resp, 400, IngestMetrics.Reason.INVALID, new ApiError(e.getMessage(), e.field()));
                return;
            }
        }
        long receivedAt = System.currentTimeMillis();
        int size = elements != null ? elements.size() : decoded.size();
        List<AcceptedEvent> valid = new ArrayList<>(size);
        List<BatchResult.ItemError> errors = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            try {
                IngestEvent event = elements != null ? handler.decoder().element(elements.get(i)) : decoded.get(i);
                valid.add(handler.validator().validate(event, projectId, receivedAt));
            } catch (InvalidEvent e) {
                errors.add(new BatchResult.ItemError(i, e.getMessage(), e.field()));
            }
        }
        if (!errors.isEmpty()) {
            handler.metrics().rejected(IngestMetrics.Reason.INVALID);
        }
        if (enqueued(resp, valid)) {
            send(resp, 200, new BatchResult(valid.size(), errors));
        }
    }

    /** Hands events to the writer whole, or answers 429/503 and keeps none of them. */
    private boolean enqueued(HttpServletResponse resp, List<AcceptedEvent> events) throws IOException {
        EventQueue.Offer offer = handler.queue().offerAll(events);
        if (offer == EventQueue.Offer.ACCEPTED) {
            handler.metrics().accepted(events.size());
            return true;
        }
        refuse(resp, offer);
        return false;
    }

    private void refuse(HttpServletResponse resp, EventQueue.Offer offer) throws IOException {
        switch (offer) {
            case FULL -> {
                resp.setHeader("Retry-After", Integer.toString(RETRY_AFTER_SECS));
                reject(resp, 429, IngestMetrics.Reason.QUEUE_FULL,
                        ApiError.of("ingest queue is full; nothing from this request was kept, retry after "
                                + RETRY_AFTER_SECS + "s"));
            }
            default -> {
                resp.setHeader("Retry-After", Integer.toString(RETRY_AFTER_SECS));
                reject(resp, 503, IngestMetrics.Reason.SHUTTING_DOWN,
                        ApiError.of("server is shutting down; nothing from this request was kept"));
            }
        }
    }

    /**
     * Reads at most {@code maxPayloadBytes}; null when the body is longer. Never reads past the
     * cap plus one byte, whatever the client claims.
     */
    private byte[] readCapped(InputStream in, long declared) throws IOException {
        int initial = declared >= 0 ? (int) declared + 1 : 4096;
        byte[] buf = new byte[Math.min(initial, maxPayloadBytes + 1)];
        int n = 0;
        while (true) {
            if (n == buf.length) {
                if (buf.length > maxPayloadBytes) {
                    return null;
                }
                buf = Arrays.copyOf(buf, Math.min(buf.length * 2, maxPayloadBytes + 1));
            }
            int r = in.read(buf, n, buf.length - n);
            if (r < 0) {
                break;
            }
            n += r;
        }
        return n > maxPayloadBytes ? null : (n == buf.length ? buf : Arrays.copyOf(buf, n));
    }

    /**
     * Consumes an unread body (up to the cap) before an early answer, so the connection stays
     * usable for the client's next request; past the cap the connection is closed instead.
     */
    private void discardBody(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (req.getContentLengthLong() > maxPayloadBytes || readCapped(req.getInputStream(), -1) == null) {
            resp.setHeader("Connection", "close");
        }
    }

    private void reject(HttpServletResponse resp, int status, IngestMetrics.Reason reason, ApiError error)
            throws IOException {
        handler.metrics().rejected(reason);
        send(resp, status, error);
    }

    private void send(HttpServletResponse resp, int status, Object body) throws IOException {
        byte[] bytes = json.writeValueAsBytes(body);
        resp.setStatus(status);
        resp.setContentType("application/json");
        resp.setContentLength(bytes.length);
        resp.getOutputStream().write(bytes);
    }
}
