package dev.bloop.service.llm.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bloop.api.ApiError;
import dev.bloop.service.access.Scope;
import dev.bloop.service.ingest.IngestDoor;
import dev.bloop.service.llm.TraceSink;
import dev.bloop.service.pipeline.BoundedQueue;
import dev.bloop.service.token.ApiToken;
import dev.bloop.service.token.TokenService;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.HttpClient;

/**
 * {@code /v1/proxy/{openai|anthropic}/{path...}}: authenticates the caller's bloop token (scope
 * {@code llm:write}, header {@code X-Bloop-Token}, or the token as the first path segment for clients
 * that cannot add headers), forwards the request to the provider with the provider credential
 * untouched, and passes the answer through as it arrives (see {@link Forwarding}). Nothing is forwarded
 * before the token, the grouping headers, the queue and the body size have been checked.
 */
final class ProxyServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    static final String TOKEN_HEADER = "X-Bloop-Token";
    private static final int RETRY_AFTER_SECS = 1;
    /** Hop-by-hop headers, what the upstream client sets itself, bloop's own and the dashboard's cookie stay here. */
    private static final Set<String> NOT_FORWARDED = Set.of("host", "connection", "keep-alive", "proxy-connection",
            "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "content-length", "expect",
            "accept-encoding", "cookie", "http2-settings");

    private final transient TokenService tokens;
    private final transient TraceSink sink;
    private final transient Upstreams upstreams;
    private final transient Recorder recorder;
    private final transient ObjectMapper json;
    private final long maxRequestBytes;
    private final int maxCapture;
    private final int maxText;

    ProxyServlet(TokenService tokens, TraceSink sink, Upstreams upstreams, Recorder recorder, ObjectMapper json,
                 long maxRequestBytes, int maxCapture, int maxText) {
        this.tokens = tokens;
        this.sink = sink;
        this.upstreams = upstreams;
        this.recorder = recorder;
        this.json = json;
        this.maxRequestBytes = maxRequestBytes;
        this.maxCapture = maxCapture;
        this.maxText = maxText;
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        long received = System.nanoTime();
        long startedAtMs = System.currentTimeMillis();
        // The raw (still percent-encoded) path after /v1/proxy/, so that it reaches the provider as it was sent.
        String prefix = req.getContextPath() + req.getServletPath() + "/";
        String rest = req.getRequestURI().startsWith(prefix) ? req.getRequestURI().substring(prefix.length()) : "";
        String pathToken = null;
        if (rest.startsWith(TokenService.PREFIX)) {
            int slash = rest.indexOf('/');
            pathToken = slash < 0 ? rest : rest.substring(0, slash);
            rest = slash < 0 ? "" : rest.substring(slash + 1);
        }
        int slash = rest.indexOf('/');
        String provider = slash < 0 ? rest : rest.substring(0, slash);
        String path = slash < 0 ? "" : rest.substring(slash + 1);
        if (!provider.equals("openai") && !provider.equals("anthropic")) {
            refuse(req, resp, 404, new ApiError("unknown provider '" + provider + "': use /v1/proxy/openai/... or "
                    + "/v1/proxy/anthropic/...", "provider"));
            return;
        }
        if (!req.getMethod().equals("POST") && !req.getMethod().equals("GET")) {
            resp.setHeader("Allow", "GET, POST");
            refuse(req, resp, 405, new ApiError("method " + req.getMethod() + " is not allowed; use GET or POST",
                    null));
            return;
        }
        String presented = req.getHeader(TOKEN_HEADER);
        if (presented == null || presented.isBlank()) {
            presented = pathToken;
        }
        if (presented == null || presented.isBlank()) {
            refuse(req, resp, 401, new ApiError("missing bloop token: send it in " + TOKEN_HEADER + " (or as the "
                    + "first path segment: /v1/proxy/<token>/" + provider + "/...); nothing was forwarded",
                    TOKEN_HEADER));
            return;
        }
        Optional<ApiToken> token = tokens.authenticate(presented.strip());
        if (token.isEmpty()) {
            refuse(req, resp, 401, new ApiError("invalid, revoked or expired bloop token; nothing was forwarded",
                    TOKEN_HEADER));
            return;
        }
        if (!token.get().scopes().contains(Scope.LLM_WRITE)) {
            refuse(req, resp, 403, new ApiError("the bloop token lacks the llm:write scope; nothing was forwarded",
                    TOKEN_HEADER));
            return;
        }
        Grouping grouping;
        try {
            grouping = Grouping.of(req);
        } catch (Grouping.Invalid e) {
            refuse(req, resp, 400, new ApiError(e.getMessage(), e.header));
            return;
        }
        try {
            sink.checkTags(token.get().projectId(), grouping.experiment(), grouping.variant());
        } catch (dev.bloop.service.ingest.InvalidEvent e) {
            refuse(req, resp, 400, new ApiError(e.getMessage() + "; nothing was forwarded",
                    "variant".equals(e.field()) ? "X-Bloop-Variant" : "X-Bloop-Experiment"));
            return;
        }
        BoundedQueue.Offer admits = sink.admits();
        if (admits != BoundedQueue.Offer.ACCEPTED) {
            resp.setHeader("Retry-After", Integer.toString(RETRY_AFTER_SECS));
            refuse(req, resp, admits == BoundedQueue.Offer.FULL ? 429 : 503, ApiError.of(admits
                    == BoundedQueue.Offer.FULL ? "the LLM trace queue is full; nothing was forwarded, retry after "
                    + RETRY_AFTER_SECS + "s" : "LLM trace storage is unavailable; nothing was forwarded"));
            return;
        }
        byte[] body = new byte[0];
        if (req.getMethod().equals("POST")) {
            if (req.getContentLengthLong() > maxRequestBytes) {
                refuse(req, resp, 413, new ApiError("request body over llm_tracing.proxy.max_request_size ("
                        + maxRequestBytes + " bytes); nothing was forwarded", null));
                return;
            }
            try (InputStream in = req.getInputStream()) {
                body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxRequestBytes + 1));
            }
            if (body.length > maxRequestBytes) {
                resp.setHeader("Connection", "close");
                send(resp, 413, new ApiError("request body over llm_tracing.proxy.max_request_size ("
                        + maxRequestBytes + " bytes); nothing was forwarded", null));
                return;
            }
        }
        String projectId = token.get().projectId();
        Api api = req.getMethod().equals("POST") ? Api.of(provider, path) : Api.OTHER;
        Prepared prepared = prepare(api, body, sink.keepsContent(projectId));

        String query = req.getQueryString();
        URI target;
        try {
            target = URI.create(upstreams.base(provider) + "/" + path + (query == null ? "" : "?" + query));
        } catch (IllegalArgumentException e) {
            send(resp, 400, new ApiError("the path cannot be forwarded: " + e.getMessage(), "path"));
            return;
        }
        org.eclipse.jetty.client.Request upstream = upstreams.client().newRequest(target).method(req.getMethod());
        if (req.getMethod().equals("POST")) {
            // No content type of its own: the client's Content-Type header goes through as it was (or none).
            upstream.body(new BytesRequestContent((String) null, prepared.body));
        }
        upstream.headers(fields -> {
            // The upstream client adds no User-Agent or Accept-Encoding of its own (see UpstreamClient): the caller's go through.
            for (String name : Collections.list(req.getHeaderNames())) {
                String lower = name.toLowerCase(Locale.ROOT);
                if (NOT_FORWARDED.contains(lower) || lower.startsWith("x-bloop-")) {
                    continue;
                }
                for (String value : Collections.list(req.getHeaders(name))) {
                    fields.add(name, value);
                }
            }
            // bloop reads usage from the answer, so it asks for it uncompressed (the client still gets the same content).
            fields.put("Accept-Encoding", "identity");
        });

        CallFacts facts = new CallFacts(api, json, maxText, sink.keepsContent(projectId));
        Forwarding.Call call = new Forwarding.Call(projectId, grouping, api, provider, path, prepared.model,
                prepared.input, prepared.hideUsage, startedAtMs, received, req.getMethod().equals("POST"));
        new Forwarding(call, facts, req, resp, recorder, json, maxCapture)
                .start(upstream, upstreams.client().getScheduler(), upstreams.responseTimeout());
    }

    /** The body to send, with what bloop needs from it. */
    private record Prepared(byte[] body, String model, JsonNode input, boolean hideUsage) {
    }

    /**
     * Reads the model and (when kept) the prompt from the request; for an OpenAI Chat stream, asks for usage with
     * {@code stream_options.include_usage}, merged into the client's own options, and remembers whether the client
     * had asked for it (if not, the usage chunk is taken out of the answer again).
     */
    private Prepared prepare(Api api, byte[] body, boolean keepContent) {
        if (body.length == 0 || body[0] != '{' && !startsWithObject(body)) {
            return new Prepared(body, null, null, false);
        }
        JsonNode node;
        try {
            node = json.readTree(body);
        } catch (IOException e) {
            return new Prepared(body, null, null, false);
        }
        if (node == null || !node.isObject()) {
            return new Prepared(body, null, null, false);
        }
        String model = node.path("model").isTextual() ? node.get("model").asText() : null;
        JsonNode input = keepContent ? prompt(api, (ObjectNode) node) : null;
        if (api == Api.OPENAI_CHAT && node.path("stream").asBoolean(false) && node.get("stream").isBoolean()) {
            JsonNode options = node.get("stream_options");
            boolean asked = options != null && options.isObject() && options.path("include_usage").asBoolean(false);
            if (!asked) {
                ObjectNode merged = options != null && options.isObject() ? (ObjectNode) options
                        : ((ObjectNode) node).putObject("stream_options");
                if (options != null && !options.isObject()) {
                    ((ObjectNode) node).set("stream_options", merged);
                }
                merged.put("include_usage", true);
                try {
                    return new Prepared(json.writeValueAsBytes(node), model, input, true);
                } catch (IOException e) {
                    return new Prepared(body, model, input, false);
                }
            }
        }
        return new Prepared(body, model, input, false);
    }

    private static boolean startsWithObject(byte[] body) {
        for (byte b : body) {
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return b == '{';
            }
        }
        return false;
    }

    private JsonNode prompt(Api api, ObjectNode body) {
        ObjectNode p = json.createObjectNode();
        switch (api) {
            case OPENAI_CHAT -> copy(body, p, "messages", "tools");
            case OPENAI_RESPONSES -> copy(body, p, "instructions", "input", "tools");
            case ANTHROPIC_MESSAGES -> copy(body, p, "system", "messages", "tools");
            default -> copy(body, p, "input", "prompt", "messages");
        }
        return p.isEmpty() ? null : p;
    }

    private static void copy(ObjectNode from, ObjectNode to, String... fields) {
        for (String f : fields) {
            if (from.has(f) && !from.get(f).isNull()) {
                to.set(f, from.get(f));
            }
        }
    }

    /** An answer before anything was forwarded: the body, if any, is not read (dropped or the connection closed). */
    private void refuse(HttpServletRequest req, HttpServletResponse resp, int status, ApiError error)
            throws IOException {
        IngestDoor.discardOrClose(req, resp);
        send(resp, status, error);
    }

    private void send(HttpServletResponse resp, int status, ApiError error) throws IOException {
        resp.setStatus(status);
        resp.setContentType("application/json");
        byte[] bytes = json.writeValueAsString(error).getBytes(StandardCharsets.UTF_8);
        resp.setContentLength(bytes.length);
        resp.getOutputStream().write(bytes);
    }

    /** The HTTP client and the base URLs calls go to. */
    record Upstreams(HttpClient client, String openai, String anthropic, Duration responseTimeout) {
        String base(String provider) {
            String b = provider.equals("openai") ? openai : anthropic;
            return b.endsWith("/") ? b.substring(0, b.length() - 1) : b;
        }
    }
}
