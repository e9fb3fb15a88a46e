package dev.bloop.service.llm.exchange;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.bloop.api.ApiError;
import dev.bloop.api.Signatures;
import dev.bloop.service.access.Scope;
import dev.bloop.service.ingest.IngestDoor;
import dev.bloop.service.llm.TraceIntake;
import dev.bloop.service.pipeline.BoundedQueue;
import dev.bloop.service.project.ProjectKeys;
import dev.bloop.service.token.ApiToken;
import dev.bloop.service.token.TokenService;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

/**
 * OTLP/HTTP trace import: {@code POST /v1/otlp/v1/traces} (so an exporter's endpoint setting of
 * {@code http://bloop/v1/otlp} just works) and {@code POST /v1/llm/export/otlp}. Protobuf or JSON,
 * gzip or not; the answer is an {@code ExportTraceServiceResponse} in the request's content type,
 * with {@code partialSuccess} counting the spans that were not kept and why.
 *
 * <p>Three ways in, because OTel exporters send static headers and cannot sign each body: the HMAC
 * signature of the trace ingest ({@code X-Signature}, through the same {@link IngestDoor});
 * {@code Authorization: Bearer <token>} with {@code llm:write} (the token's project); or the project's
 * ingest key and secret as two headers ({@code X-Project-Key} and {@code X-Project-Secret}: the
 * public key alone proves nothing). The body cap ({@code llm_tracing.otlp_max_body_bytes}) applies
 * to the body as sent and again after gzip: 413 above it.
 */
final class OtlpImportServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    static final String SECRET_HEADER = "X-Project-Secret";
    private static final String PROTOBUF = "application/x-protobuf";
    private static final String JSON_TYPE = "application/json";

    private final transient IngestDoor door;
    private final transient TraceIntake intake;
    private final transient TokenService tokens;
    private final transient ProjectKeys keys;
    private final transient OtlpMapping mapping;
    private final transient ObjectMapper json;
    private final int maxBytes;

    OtlpImportServlet(IngestDoor door, TraceIntake intake, TokenService tokens, ProjectKeys keys, OtlpMapping mapping,
                      ObjectMapper json) {
        this.door = door;
        this.intake = intake;
        this.tokens = tokens;
        this.keys = keys;
        this.mapping = mapping;
        this.json = json;
        this.maxBytes = intake.config().getOtlpMaxBodyBytes();
    }

    /** What to answer: status, content type, body, and a Retry-After when it is worth retrying. */
    private record Answer(int status, String contentType, byte[] body, Long retryAfter) {
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        IngestDoor.allowAnyOrigin(resp);
        switch (req.getMethod()) {
            case "POST" -> post(req, resp);
            case "OPTIONS" -> {
                IngestDoor.preflight(resp, "POST, OPTIONS");
                resp.setHeader("Access-Control-Allow-Headers", "Content-Type, Content-Encoding, Authorization, "
                        + "X-Signature, X-Project-Key, " + SECRET_HEADER);
            }
            default -> door.methodNotAllowed(req, resp, "POST, OPTIONS");
        }
    }

    private void post(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String signature = req.getHeader(Signatures.HEADER);
        if (signature != null && !signature.isBlank()) {
            door.accept(req, resp, x -> {
                Answer a = handle(x.projectId(), x.body(), x.length(), req.getContentType(),
                        req.getHeader("Content-Encoding"));
                if (a.retryAfter() != null) {
                    resp.setHeader("Retry-After", Long.toString(a.retryAfter()));
                }
                x.answerBytes(a.status(), a.contentType(), a.body());
            });
            return;
        }
        String projectId;
        try {
            projectId = authenticate(req);
        } catch (Refusal r) {
            IngestDoor.discardOrClose(req, resp);
            if (r.status == 401) {
                resp.setHeader("WWW-Authenticate", "Bearer realm=\"bloop\"");
            }
            write(resp, error(r.status, r.getMessage(), r.field));
            return;
        }
        if (intake.queue().isFull()) {
            IngestDoor.discardOrClose(req, resp);
            write(resp, new Answer(429, JSON_TYPE, bytes(ApiError.of("the LLM trace queue is full; nothing from "
                    + "this request was kept, retry after 1s")), 1L));
            return;
        }
        if (req.getContentLengthLong() > maxBytes) {
            IngestDoor.discardOrClose(req, resp);
            resp.setHeader("Connection", "close");
            write(resp, tooLarge());
            return;
        }
        byte[] body;
        try (InputStream in = req.getInputStream()) {
            body = in.readNBytes(maxBytes + 1);
        }
        if (body.length > maxBytes) {
            resp.setHeader("Connection", "close");
            write(resp, tooLarge());
            return;
        }
        write(resp, handle(projectId, body, body.length, req.getContentType(), req.getHeader("Content-Encoding")));
    }

    /** The project of a bearer token with llm:write, or of an ingest key with its secret. */
    private String authenticate(HttpServletRequest req) throws Refusal {
        String authorization = req.getHeader("Authorization");
        if (authorization != null && !authorization.isBlank()) {
            int space = authorization.indexOf(' ');
            if (space < 0 || !authorization.substring(0, space).equalsIgnoreCase("Bearer")) {
                throw new Refusal(401, "unsupported Authorization scheme: send Authorization: Bearer <token>",
                        "Authorization");
            }
            ApiToken token = tokens.authenticate(authorization.substring(space + 1).trim())
                    .orElseThrow(() -> new Refusal(401, "invalid, revoked or expired token", "Authorization"));
            if (!token.scopes().contains(Scope.LLM_WRITE)) {
                throw new Refusal(403, "this token lacks the llm:write scope", "Authorization");
            }
            return token.projectId();
        }
        String key = req.getHeader(Signatures.PROJECT_KEY_HEADER);
        String secret = req.getHeader(SECRET_HEADER);
        if (key != null && secret != null) {
            Optional<ProjectKeys.Resolved> project = keys.resolve(key.trim());
            if (project.isEmpty()) {
                throw new Refusal(401, "unknown X-Project-Key", Signatures.PROJECT_KEY_HEADER);
            }
            if (!MessageDigest.isEqual(secret.trim().getBytes(StandardCharsets.UTF_8), project.get().secret())) {
                throw new Refusal(401, SECRET_HEADER + " is not this project's ingest secret", SECRET_HEADER);
            }
            return project.get().projectId();
        }
        throw new Refusal(401, "authentication required: send Authorization: Bearer <token with llm:write>, or "
                + "X-Project-Key with X-Project-Secret, or sign the body (X-Signature)",
                key != null ? SECRET_HEADER : "Authorization");
    }

    /** Decodes, maps and queues one request's spans. */
    private Answer handle(String projectId, byte[] body, int length, String contentType, String encoding) {
        String type = contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        boolean protobuf = type.equals(PROTOBUF) || type.equals("application/protobuf");
        if (!protobuf && !type.equals(JSON_TYPE)) {
            return error(415, "Content-Type must be application/x-protobuf or application/json", "Content-Type");
        }
        try {
            byte[] raw = body;
            int rawLength = length;
            if (encoding != null && !encoding.isBlank() && !encoding.trim().equalsIgnoreCase("identity")) {
                if (!encoding.trim().equalsIgnoreCase("gzip")) {
                    return error(415, "Content-Encoding must be gzip or absent", "Content-Encoding");
                }
                raw = gunzip(body, length);
                if (raw == null) {
                    return tooLarge();
                }
                rawLength = raw.length;
            }
            ExportTraceServiceRequest request = protobuf ? protobuf(raw, rawLength) : OtlpJson.parse(raw, rawLength);
            return store(projectId, request, protobuf);
        } catch (OtlpProblem p) {
            return error(400, p.getMessage(), p.field());
        }
    }

    private Answer store(String projectId, ExportTraceServiceRequest request, boolean protobuf) {
        OtlpMapping.Mapped mapped = mapping.map(request);
        TraceIntake.Outcome outcome = intake.accept(projectId, mapped.traces());
        if (outcome.offer() == BoundedQueue.Offer.FULL) {
            return new Answer(429, JSON_TYPE, bytes(ApiError.of("the LLM trace queue is full; nothing from this "
                    + "request was kept, retry after 1s")), 1L);
        }
        if (outcome.offer() == BoundedQueue.Offer.CLOSED) {
            return new Answer(503, JSON_TYPE, bytes(ApiError.of("the server is shutting down or storage is "
                    + "failing; nothing from this request was kept")), 5L);
        }
        long rejected = mapped.rejectedSpans();
        List<String> problems = new ArrayList<>(mapped.problems());
        for (TraceIntake.Refused r : outcome.refused()) {
            rejected += mapped.spanCounts().get(r.index());
            problems.add("trace " + mapped.traces().get(r.index()).id() + ": " + r.message());
        }
        if (!outcome.accepted().isEmpty()) {
            door.metrics().accepted(outcome.accepted().size());
        }
        ExportTraceServiceResponse.Builder response = ExportTraceServiceResponse.newBuilder();
        if (rejected > 0) {
            response.setPartialSuccess(ExportTracePartialSuccess.newBuilder().setRejectedSpans(rejected)
                    .setErrorMessage(String.join("; ", problems.subList(0, Math.min(problems.size(), 10)))));
        }
        if (protobuf) {
            return new Answer(200, PROTOBUF, response.build().toByteArray(), null);
        }
        StringBuilder s = new StringBuilder("{");
        if (rejected > 0) {
            s.append("\"partialSuccess\":{\"rejectedSpans\":\"").append(rejected).append("\",\"errorMessage\":")
                    .append(new String(bytes(response.getPartialSuccess().getErrorMessage()), StandardCharsets.UTF_8))
                    .append('}');
        }
        return new Answer(200, JSON_TYPE, s.append('}').toString().getBytes(StandardCharsets.UTF_8), null);
    }

    private static ExportTraceServiceRequest protobuf(byte[] raw, int length) throws OtlpProblem {
        ExportTraceServiceRequest request;
        try {
            request = ExportTraceServiceRequest.parseFrom(new ByteArrayInputStream(raw, 0, length));
        } catch (InvalidProtocolBufferException e) {
            throw new OtlpProblem("the body is not a protobuf ExportTraceServiceRequest: " + e.getMessage(), null);
        } catch (IOException e) {
            throw new OtlpProblem("the body could not be read as protobuf", null);
        }
        if (request.getResourceSpansCount() == 0 && !request.getUnknownFields().asMap().isEmpty()) {
            // OTLP logs or metrics posted here parse as a request with unknown fields only.
            throw new OtlpProblem("the body has no resourceSpans (OTLP logs or metrics?); this endpoint takes traces",
                    null);
        }
        return request;
    }

    /** The body inflated, or null when it would exceed the cap. */
    private byte[] gunzip(byte[] body, int length) throws OtlpProblem {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body, 0, length))) {
            byte[] out = in.readNBytes(maxBytes + 1);
            return out.length > maxBytes ? null : out;
        } catch (IOException e) {
            throw new OtlpProblem("Content-Encoding is gzip but the body is not valid gzip", "Content-Encoding");
        }
    }

    private Answer tooLarge() {
        return error(413, "request body exceeds " + maxBytes + " bytes (llm_tracing.otlp_max_body_bytes), as sent or "
                + "after gzip", null);
    }

    private Answer error(int status, String message, String field) {
        return new Answer(status, JSON_TYPE, bytes(new ApiError(message, field)), null);
    }

    private byte[] bytes(Object value) {
        try {
            return json.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void write(HttpServletResponse resp, Answer a) throws IOException {
        if (a.retryAfter() != null) {
            resp.setHeader("Retry-After", Long.toString(a.retryAfter()));
        }
        resp.setStatus(a.status());
        resp.setContentType(a.contentType());
        resp.setContentLength(a.body().length);
        resp.getOutputStream().write(a.body());
    }

    /** An authentication failure. */
    private static final class Refusal extends Exception {
        private static final long serialVersionUID = 1L;
        private final int status;
        private final String field;

        Refusal(int status, String message, String field) {
            super(message, null, false, false);
            this.status = status;
            this.field = field;
        }
    }
}
