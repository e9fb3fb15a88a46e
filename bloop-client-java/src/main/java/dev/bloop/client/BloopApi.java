package dev.bloop.client;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.bloop.api.ApiError;
import dev.bloop.api.ErrorFacets;
import dev.bloop.api.ErrorGroup;
import dev.bloop.api.ErrorGroupDetail;
import dev.bloop.api.ErrorStats;
import dev.bloop.api.HourlyCount;
import dev.bloop.api.Occurrence;
import dev.bloop.api.Page;
import dev.bloop.api.ReleaseSummary;
import dev.bloop.api.StatusChange;
import dev.bloop.api.StatusUpdate;
import dev.bloop.api.TagBreakdown;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A typed client for bloop's query API, authenticated with an API token (scopes {@code errors:read},
 * and {@code errors:write} for status changes). Immutable and thread-safe. Errors from the server
 * surface as {@link BloopApiException}; a missing group as an empty {@link Optional}.
 */
public final class BloopApi {
    private static final Pattern FINGERPRINT = Pattern.compile("[0-9a-fA-F]{16}");
    private final URI endpoint;
    private final String token;
    private final Duration timeout;
    private final HttpClient http;
    private final ObjectMapper json = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    private BloopApi(URI endpoint, String token, Duration timeout) {
        this.endpoint = endpoint;
        this.token = token;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** {@code endpoint} is the server's base URL; {@code token} an API token ({@code bloop_tk_...}). */
    public static BloopApi create(String endpoint, String token) {
        return create(URI.create(endpoint), token, Duration.ofSeconds(30));
    }

    public static BloopApi create(URI endpoint, String token, Duration timeout) {
        Objects.requireNonNull(endpoint, "endpoint");
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("token is required");
        }
        return new BloopApi(endpoint, token, timeout);
    }

    public Page<ErrorGroup> errors(ErrorQuery query) {
        return page("/v1/errors?" + query.toQueryString(), ErrorGroup.class);
    }

    /** Every group matching {@code query}, fetched page by page as the stream is consumed. */
    public Stream<ErrorGroup> allErrors(ErrorQuery query) {
        int pageSize = query.limitOr(200);
        long start = query.offsetOr(0);
        Iterator<ErrorGroup> it = new Iterator<>() {
            private long offset = start;
            private Iterator<ErrorGroup> current = List.<ErrorGroup>of().iterator();
            private boolean exhausted;

            @Override
            public boolean hasNext() {
                while (!current.hasNext() && !exhausted) {
                    Page<ErrorGroup> page = errors(query.limit(pageSize).offset(offset));
                    current = page.items().iterator();
                    offset += page.items().size();
                    exhausted = page.items().isEmpty() || offset >= page.total();
                }
                return current.hasNext();
            }

            @Override
            public ErrorGroup next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return current.next();
            }
        };
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(it, Spliterator.ORDERED), false);
    }

    public Page<ErrorGroup> releaseErrors(String release, int limit, long offset) {
        return page("/v1/releases/" + segment(release) + "/errors?limit=" + limit + "&offset=" + offset, ErrorGroup.class);
    }

    public Optional<ErrorGroupDetail> error(String fingerprint) {
        return optional("/v1/errors/" + fp(fingerprint)).map(this::detail);
    }

    public Page<Occurrence> occurrences(String fingerprint, int limit, long offset) {
        return page("/v1/errors/" + fp(fingerprint) + "/occurrences?limit=" + limit + "&offset=" + offset,
                Occurrence.class);
    }

    public List<StatusChange> history(String fingerprint) {
        return list("/v1/errors/" + fp(fingerprint) + "/history", StatusChange.class);
    }

    public List<HourlyCount> trend(String fingerprint, int hours) {
        return list("/v1/errors/" + fp(fingerprint) + "/trend?hours=" + hours, HourlyCount.class);
    }

    public List<HourlyCount> trends(int hours) {
        return list("/v1/trends?hours=" + hours, HourlyCount.class);
    }

    /** The values each list filter can take (environments, releases, sources, routes), {@code limit} each. */
    public ErrorFacets facets(int limit) {
        return convert(call("GET", "/v1/errors/facets?limit=" + limit).body, ErrorFacets.class);
    }

    /** How the group's recent events split by environment, release, browser, OS, device, locale; empty if none. */
    public Optional<TagBreakdown> tags(String fingerprint) {
        return optional("/v1/errors/" + fp(fingerprint) + "/tags").map(n -> convert(n, TagBreakdown.class));
    }

    /** Releases, most recently active first. */
    public List<ReleaseSummary> releases(int limit) {
        return list("/v1/releases?limit=" + limit, ReleaseSummary.class);
    }

    public ErrorStats stats() {
        return convert(call("GET", "/v1/stats").body, ErrorStats.class);
    }

    public StatusUpdate resolve(String fingerprint) {
        return status(fingerprint, "resolve");
    }

    public StatusUpdate ignore(String fingerprint) {
        return status(fingerprint, "ignore");
    }

    public StatusUpdate mute(String fingerprint) {
        return status(fingerprint, "mute");
    }

    public StatusUpdate unresolve(String fingerprint) {
        return status(fingerprint, "unresolve");
    }

    private StatusUpdate status(String fingerprint, String action) {
        return convert(call("POST", "/v1/errors/" + fp(fingerprint) + "/" + action).body, StatusUpdate.class);
    }

    /** The detail carries the group's own fields at its top level; rebuild the typed record from them. */
    private ErrorGroupDetail detail(JsonNode node) {
        return new ErrorGroupDetail(convert(node, ErrorGroup.class),
                convert(node.path("grouping"), ErrorGroupDetail.Grouping.class),
                convertList(node.path("releases"), ErrorGroupDetail.ReleaseCount.class),
                convertList(node.path("environment_counts"), ErrorGroupDetail.EnvironmentCount.class),
                convert(node.path("samples"), new TypeReference<List<JsonNode>>() { }),
                node.hasNonNull("regression") ? convert(node.get("regression"), ErrorGroupDetail.Regression.class) : null);
    }

    private <T> Page<T> page(String path, Class<T> type) {
        Response r = call("GET", path);
        long total = r.totalCount == null ? r.body.size() : Long.parseLong(r.totalCount);
        return new Page<>(convertList(r.body, type), total);
    }

    private <T> List<T> list(String path, Class<T> type) {
        return convertList(call("GET", path).body, type);
    }

    private Optional<JsonNode> optional(String path) {
        try {
            return Optional.of(call("GET", path).body);
        } catch (BloopApiException e) {
            if (e.status() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private record Response(JsonNode body, String totalCount) {
    }

    private Response call(String method, String path) {
        HttpRequest request = HttpRequest.newBuilder(endpoint.resolve(path))
                .timeout(timeout)
                .header("Authorization", "Bearer " + token)
                .header("Accept", "application/json")
                .method(method, HttpRequest.BodyPublishers.noBody())
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new BloopApiException(0, "bloop unreachable: " + e.getMessage(), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BloopApiException(0, "interrupted", null);
        }
        JsonNode body;
        try {
            body = json.readTree(response.body());
        } catch (IOException e) {
            throw new BloopApiException(response.statusCode(), "unreadable answer", null);
        }
        if (response.statusCode() / 100 != 2) {
            // a proxy in between may answer something else than the API's error shape
            ApiError error = body.isObject() ? json.convertValue(body, ApiError.class) : ApiError.of(null);
            String field = error.field() != null ? error.field()
                    : body.hasNonNull("scope") ? body.get("scope").asText() : null; // a missing scope's 403
            throw new BloopApiException(response.statusCode(), error.error() != null ? error.error() : response.body(),
                    field);
        }
        return new Response(body, response.headers().firstValue(Page.TOTAL_COUNT).orElse(null));
    }

    private <T> T convert(JsonNode node, Class<T> type) {
        try {
            return json.treeToValue(node, type);
        } catch (IOException e) {
            throw new BloopApiException(200, "unexpected answer shape: " + e.getMessage(), null);
        }
    }

    private <T> T convert(JsonNode node, TypeReference<T> type) {
        try {
            return json.readerFor(type).readValue(node);
        } catch (IOException e) {
            throw new BloopApiException(200, "unexpected answer shape: " + e.getMessage(), null);
        }
    }

    private <T> List<T> convertList(JsonNode node, Class<T> type) {
        JavaType listType = json.getTypeFactory().constructCollectionType(List.class, type);
        try {
            return node == null || node.isMissingNode() ? new ArrayList<>() : json.readerFor(listType).readValue(node);
        } catch (IOException e) {
            throw new BloopApiException(200, "unexpected answer shape: " + e.getMessage(), null);
        }
    }

    private static String fp(String fingerprint) {
        if (fingerprint == null || !FINGERPRINT.matcher(fingerprint).matches()) {
            throw new IllegalArgumentException("a fingerprint is 16 hex characters, got " + fingerprint);
        }
        return fingerprint;
    }

    private static String segment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
