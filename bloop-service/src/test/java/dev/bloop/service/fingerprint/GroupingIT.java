package dev.bloop.service.fingerprint;

import static dev.bloop.service.fingerprint.RealStacksTest.stack;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bloop.service.BloopConfiguration;
import dev.bloop.service.BloopTestApp;
import dev.bloop.service.access.Scope;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Grouping end to end: real stacks of each platform go in through signed ingest, and the query API
 * shows which issues they became and which frame each was keyed on, and why. In-app rules are set
 * over the API and change the grouping of the events that follow, never of existing issues.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class GroupingIT {
    private static final BloopTestApp BLOOP = new BloopTestApp();
    static final DropwizardAppExtension<BloopConfiguration> APP = BLOOP.extension();
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String RULES_SECRET = "bloop_sk_rules_project_secret";

    private static String readWrite;
    private static String readOnly;
    private static String rulesWrite;
    private static String rulesRead;

    @BeforeAll
    static void tokens() {
        // The platforms test keeps the default project without rules; the rules test has a project of its own.
        BLOOP.addProject("p-rules", "rules", "bloop_pk_rules", RULES_SECRET);
        readWrite = BLOOP.token("grouping-bot", "default", Scope.ERRORS_READ, Scope.ERRORS_WRITE);
        readOnly = BLOOP.token("reader", "default", Scope.ERRORS_READ);
        rulesWrite = BLOOP.token("grouping-bot", "p-rules", Scope.ERRORS_READ, Scope.ERRORS_WRITE);
        rulesRead = BLOOP.token("reader", "p-rules", Scope.ERRORS_READ);
    }

    /** A platform's stack, and the same stack reached from another call site of the app. */
    record Platform(String source, String errorType, String fixture, String appFrame, String otherAppFrame,
                    String frame, String otherFrame) {
        String stack() {
            return RealStacksTest.stack(fixture);
        }

        String otherStack() {
            String s = stack();
            assertThat(s).contains(appFrame);
            return s.replace(appFrame, otherAppFrame);
        }
    }

    private static final List<Platform> PLATFORMS = List.of(
            new Platform("api", "DuplicateKeyException", "jvm-spring-postgres.txt",
                    "at com.acme.shop.orders.OrderRepository.insert(OrderRepository.java:58)",
                    "at com.acme.shop.customers.CustomerRepository.insert(CustomerRepository.java:23)",
                    "at com.acme.shop.orders.OrderRepository.insert(OrderRepository.java)",
                    "at com.acme.shop.customers.CustomerRepository.insert(CustomerRepository.java)"),
            new Platform("android", "SQLiteConstraintException", "android-sqlite.txt",
                    "at com.acme.shop.cart.CartDao_Impl.insert(CartDao_Impl.java:87)",
                    "at com.acme.shop.wishlist.WishlistDao_Impl.insert(WishlistDao_Impl.java:64)",
                    "at com.acme.shop.cart.CartDao_Impl.insert(CartDao_Impl.java)",
                    "at com.acme.shop.wishlist.WishlistDao_Impl.insert(WishlistDao_Impl.java)"),
            new Platform("ios", "NSInvalidArgumentException", "ios-objc-exception.txt",
                    "ShopApp                       \t0x0000000102f1a4c8 CheckoutViewController.placeOrder(_:) + 412 (CheckoutViewController.swift:88)",
                    "ShopApp                       \t0x0000000102f3b210 ProfileViewController.save(_:) + 96 (ProfileViewController.swift:51)",
                    "ShopApp CheckoutViewController.placeOrder(_:) (CheckoutViewController.swift)",
                    "ShopApp ProfileViewController.save(_:) (ProfileViewController.swift)"),
            new Platform("node", "RangeError", "node-promise-all.txt",
                    "at Object.<anonymous> (/srv/report/build.js:12:9)",
                    "at Object.<anonymous> (/srv/report/export.js:30:2)",
                    "at Object.<anonymous> (/srv/report/build.js)",
                    "at Object.<anonymous> (/srv/report/export.js)"),
            new Platform("web", "Error", "browser-chrome-next.txt",
                    "at onClick (https://shop.acme.com/_next/static/chunks/pages/checkout-8d1f3e2b7c.js:1:4211)",
                    "at onSubmit (https://shop.acme.com/_next/static/chunks/pages/account-77a0b1c2d3.js:1:802)",
                    "at onClick (https://shop.acme.com/_next/static/chunks/pages/checkout-8d1f3e2b7c.js)",
                    "at onSubmit (https://shop.acme.com/_next/static/chunks/pages/account-77a0b1c2d3.js)"));

    @Test
    void twoAppCallSitesReachingTheSameLibraryFrameAreTwoIssuesOnEveryPlatform() throws Exception {
        List<JsonNode> events = new ArrayList<>();
        for (Platform p : PLATFORMS) {
            events.add(event(p.source(), p.errorType(), "duplicate key value violates unique constraint", p.stack()));
            events.add(event(p.source(), p.errorType(), "duplicate key value violates unique constraint", p.stack()));
            events.add(event(p.source(), p.errorType(), "duplicate key value violates unique constraint", p.otherStack()));
        }
        ingest(null, events);
        for (Platform p : PLATFORMS) {
            List<JsonNode> groups = awaitGroups(readOnly, p.errorType(), 2, 3);
            groups.sort(Comparator.comparing((JsonNode g) -> g.get("total_count").asLong()).reversed());
            assertThat(groups.get(0).get("total_count").asLong()).as(p.fixture()).isEqualTo(2);
            assertThat(groups.get(1).get("total_count").asLong()).as(p.fixture()).isEqualTo(1);
            JsonNode first = grouping(readOnly, groups.get(0).get("fingerprint").asText());
            JsonNode second = grouping(readOnly, groups.get(1).get("fingerprint").asText());
            assertThat(first.get("frame").asText()).as(p.fixture()).isEqualTo(p.frame());
            assertThat(second.get("frame").asText()).as(p.fixture()).isEqualTo(p.otherFrame());
            assertThat(first.get("frame_reason").asText()).isEqualTo("first in-app frame");
            assertThat(first.get("version").asInt()).isEqualTo(Fingerprinter.VERSION);
            assertThat(first.get("rules_version").asInt()).isZero();
        }
    }

    @Test
    void rulesSetOverTheApiChangeTheGroupingOfNewEventsOnly() throws Exception {
        String okhttp = stack("android-okhttp.txt");
        ingest("bloop_pk_rules", List.of(event("android", "SocketTimeoutException", "timeout", okhttp)));
        String beforeFp = awaitGroups(rulesRead, "SocketTimeoutException", 1, 1).get(0).get("fingerprint").asText();
        assertThat(grouping(rulesRead, beforeFp).get("frame").asText())
                .isEqualTo("at com.acme.shop.net.AuthInterceptor.intercept(AuthInterceptor.kt)");

        String rules = "{\"in_app_include\":[\"com.acme.\"],\"in_app_exclude\":[\"com.acme.shop.net.\"]}";
        HttpResponse<String> put = call("PUT", "/v1/projects/rules/grouping", rulesWrite, rules);
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        JsonNode saved = JSON.readTree(put.body());
        assertThat(saved.get("rules_version").asInt()).isEqualTo(1);
        assertThat(saved.get("in_app_exclude").get(0).asText()).isEqualTo("com.acme.shop.net.");
        assertThat(saved.get("updated_by").asText()).isEqualTo("grouping-bot");

        // The very next event is grouped by the new rules: a new issue, keyed on the next app frame.
        ingest("bloop_pk_rules", List.of(event("android", "SocketTimeoutException", "timeout", okhttp)));
        JsonNode after = awaitGroups(rulesRead, "SocketTimeoutException", 2, 2).stream()
                .filter(g -> !g.get("fingerprint").asText().equals(beforeFp)).findFirst().orElseThrow();
        JsonNode explained = grouping(rulesRead, after.get("fingerprint").asText());
        assertThat(explained.get("frame").asText())
                .isEqualTo("at com.acme.shop.catalog.CatalogRepository.refresh(CatalogRepository.kt)");
        assertThat(explained.get("frame_reason").asText()).isEqualTo("in_app_include com.acme.");
        assertThat(explained.get("rules_version").asInt()).isEqualTo(1);
        // The issue made before the change keeps its fingerprint, its count and its explanation.
        JsonNode old = JSON.readTree(call("GET", "/v1/errors/" + beforeFp, rulesRead, null).body());
        assertThat(old.get("total_count").asLong()).isEqualTo(1);
        assertThat(old.get("grouping").get("rules_version").asInt()).isZero();
        assertThat(old.get("grouping").get("frame_reason").asText()).isEqualTo("first in-app frame");

        JsonNode read = JSON.readTree(call("GET", "/v1/projects/rules/grouping", rulesRead, null).body());
        assertThat(read.get("in_app_include").get(0).asText()).isEqualTo("com.acme.");
        assertThat(read.get("rules_version").asInt()).isEqualTo(1);
        assertThat(read.get("grouping_version").asInt()).isEqualTo(Fingerprinter.VERSION);
        // The same rules again change nothing, not even the version.
        assertThat(JSON.readTree(call("PUT", "/v1/projects/rules/grouping", rulesWrite, rules).body())
                .get("rules_version").asInt()).isEqualTo(1);
        // Another project's events are not touched by these rules, and its token cannot reach them.
        assertThat(JSON.readTree(call("GET", "/v1/projects/default/grouping", readOnly, null).body())
                .get("rules_version").asInt()).isZero();
        assertThat(call("GET", "/v1/projects/rules/grouping", readOnly, null).statusCode()).isEqualTo(404);
        assertThat(call("PUT", "/v1/projects/rules/grouping", readWrite, "{}").statusCode()).isEqualTo(404);
    }

    @Test
    void invalidRulesAreRefusedNamingTheField() throws Exception {
        String many = "[" + String.join(",", IntStream.range(0, 51).mapToObj(i -> "\"p" + i + ".\"").toList()) + "]";
        assertRefused("{\"in_app_include\":" + many + "}", "in_app_include");
        assertRefused("{\"in_app_exclude\":[\"" + "a".repeat(201) + "\"]}", "in_app_exclude[0]");
        assertRefused("{\"in_app_include\":[\"ok.\",\"  \"]}", "in_app_include[1]");
        assertRefused("{\"in_app_include\":[\"ok.\",7]}", "in_app_include[1]");
        assertRefused("{\"in_app_include\":\"com.acme.\"}", "in_app_include");
        assertRefused("{\"in_app_include\":[\"com.acme.\"],\"in_app_exclude\":[\"com.acme.\"]}", "in_app_exclude[0]");
        assertRefused("{\"in_app_includes\":[\"com.acme.\"]}", "in_app_includes");
        assertRefused("{\"in_app_include\":[\"a\\nb\"]}", "in_app_include[0]");
        assertThat(call("PUT", "/v1/projects/default/grouping", readWrite, "[\"com.acme.\"]").statusCode()).isEqualTo(400);
        assertThat(call("PUT", "/v1/projects/default/grouping", readWrite, "{not json").statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(call("GET", "/v1/projects/default/grouping", readOnly, null).body())
                .get("rules_version").asInt()).as("nothing refused was saved").isZero();
    }

    @Test
    void readingNeedsErrorsReadAndChangingNeedsErrorsWrite() {
        assertThat(call("GET", "/v1/projects/default/grouping", readOnly, null).statusCode()).isEqualTo(200);
        HttpResponse<String> refused = call("PUT", "/v1/projects/default/grouping", readOnly, "{\"in_app_include\":[\"x.\"]}");
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("errors:write");
        String alertsOnly = BLOOP.token("alerts-only", "default", Scope.ALERTS_READ);
        assertThat(call("GET", "/v1/projects/default/grouping", alertsOnly, null).statusCode()).isEqualTo(403);
        assertThat(call("GET", "/v1/projects/default/grouping", null, null).statusCode()).isEqualTo(401);
    }

    private static void assertRefused(String body, String field) {
        HttpResponse<String> r = call("PUT", "/v1/projects/default/grouping", readWrite, body);
        assertThat(r.statusCode()).as(body).isEqualTo(400);
        try {
            assertThat(JSON.readTree(r.body()).get("field").asText()).as(body).isEqualTo(field);
        } catch (Exception e) {
            throw new AssertionError(r.body(), e);
        }
    }

    private static JsonNode event(String source, String type, String message, String stack) {
        ObjectNode e = JSON.createObjectNode();
        e.put("timestamp", System.currentTimeMillis()).put("source", source).put("environment", "prod")
                .put("release", "5.1.0").put("error_type", type).put("message", message).put("stack", stack);
        return e;
    }

    /** Signed ingest into the default project ({@code projectKey} null) or the rules project. */
    private static void ingest(String projectKey, List<JsonNode> events) {
        ArrayNode list = JSON.createArrayNode().addAll(events);
        String body = JSON.createObjectNode().set("events", list).toString();
        HttpResponse<String> r = projectKey == null ? BLOOP.ingest("/v1/ingest/batch", body)
                : BLOOP.post("/v1/ingest/batch", body, java.util.Map.of("Content-Type", "application/json",
                        "X-Project-Key", projectKey, "X-Signature", dev.bloop.api.Signatures.sign(RULES_SECRET, body)));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("\"accepted\":" + events.size());
    }

    private static List<JsonNode> awaitGroups(String token, String errorType, int issues, long events) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            HttpResponse<String> r = call("GET", "/v1/errors?status=&q=" + URLEncoder.encode(errorType, StandardCharsets.UTF_8),
                    token, null);
            List<JsonNode> groups = new ArrayList<>();
            JSON.readTree(r.body()).forEach(g -> {
                if (g.get("error_type").asText().equals(errorType)) {
                    groups.add(g);
                }
            });
            long seen = groups.stream().mapToLong(g -> g.get("total_count").asLong()).sum();
            if (groups.size() >= issues && seen >= events) {
                return groups;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("expected " + issues + " issues of " + errorType + ", saw " + r.body());
            }
            Thread.sleep(20);
        }
    }

    private static JsonNode grouping(String token, String fingerprint) throws Exception {
        HttpResponse<String> r = call("GET", "/v1/errors/" + fingerprint, token, null);
        assertThat(r.statusCode()).isEqualTo(200);
        return JSON.readTree(r.body()).get("grouping");
    }

    private static HttpResponse<String> call(String method, String path, String token, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(BLOOP.url(path)));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            b.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return BloopTestApp.send(b.build());
    }
}
