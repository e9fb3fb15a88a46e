package dev.bloop.service.errors;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bloop.api.Signatures;
import dev.bloop.service.BloopConfiguration;
import dev.bloop.service.BloopTestApp;
import dev.bloop.service.access.Scope;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The query API end to end: events go in through signed ingest for two projects, and tokens of
 * each project read and triage them over HTTP.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class QueryApiIT {
    private static final BloopTestApp BLOOP = new BloopTestApp();
    static final DropwizardAppExtension<BloopConfiguration> APP = BLOOP.extension();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String OTHER_SECRET = "bloop_sk_other_project_secret";
    private static final String TAGS_SECRET = "bloop_sk_tags_project_secret";

    private static String readWrite;
    private static String readOnly;
    private static String alertsOnly;
    private static String otherProject;
    private static String tagsProject;
    private static String expired;
    private static String usersFp;
    private static String timeoutFp;
    private static String otherFp;

    @BeforeAll
    static void seed() throws Exception {
        // Tokens are created through the same service the create-token command uses, on the app's file.
        BLOOP.addProject("p-other", "other", "bloop_pk_other", OTHER_SECRET);
        BLOOP.addProject("p-tags", "tags", "bloop_pk_tags", TAGS_SECRET);
        tagsProject = BLOOP.token("tags-bot", "p-tags", Scope.ERRORS_READ);
        readWrite = BLOOP.token("triage-bot", "default", Scope.ERRORS_READ, Scope.ERRORS_WRITE);
        readOnly = BLOOP.token("dashboard-ro", "default", Scope.ERRORS_READ);
        alertsOnly = BLOOP.token("alerts", "default", Scope.ALERTS_READ);
        otherProject = BLOOP.token("other-bot", "p-other", Scope.ERRORS_READ, Scope.ERRORS_WRITE);
        expired = BLOOP.token("old", "default", Scope.ERRORS_READ);
        BLOOP.withDatabase(db -> db.writer().useHandle(h -> h.execute("UPDATE api_tokens SET expires_at = 1 WHERE name = 'old'")));

        List<String> events = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            events.add(event("ios", i % 2 == 0 ? "prod" : "staging", i < 4 ? "2.0.0" : "2.1.0", "TypeError",
                    "Cannot read property 'name' of user " + (1000 + i), "/users"));
        }
        for (int i = 0; i < 3; i++) {
            events.add(event("api", "prod", "2.1.0", "TimeoutError", "Upstream timed out after " + (30 + i) + "s", "/orders"));
        }
        assertThat(BLOOP.ingest("/v1/ingest/batch", "{\"events\":[" + String.join(",", events) + "]}").statusCode())
                .isEqualTo(200);
        String other = "{\"events\":[" + event("web", "prod", "9.9", "TypeError", "Cannot read property 'name' of user 1", "/users") + "]}";
        assertThat(BLOOP.post("/v1/ingest/batch", other, Map.of("Content-Type", "application/json",
                "X-Project-Key", "bloop_pk_other", "X-Signature", Signatures.sign(OTHER_SECRET, other))).statusCode())
                .isEqualTo(200);
        BLOOP.awaitCount("SELECT count(*) FROM raw_events", 10);
        BLOOP.awaitCount("SELECT count(*) FROM error_groups", 3);
        usersFp = fingerprintOf(readWrite, "q=property");
        timeoutFp = fingerprintOf(readWrite, "q=timed");
        otherFp = fingerprintOf(otherProject, "q=property");
    }

    private static String event(String source, String env, String release, String type, String message, String route) {
        return "{\"timestamp\":" + System.currentTimeMillis() + ",\"source\":\"" + source + "\",\"environment\":\""
                + env + "\",\"release\":\"" + release + "\",\"error_type\":\"" + type + "\",\"message\":\"" + message
                + "\",\"route_or_procedure\":\"" + route + "\",\"stack\":\"at handler (src/" + route.substring(1)
                + ".ts:10:5)\",\"metadata\":{\"n\":1}}";
    }

    private static String fingerprintOf(String token, String query) throws Exception {
        JsonNode list = JSON.readTree(get(token, "/v1/errors?" + query).body());
        assertThat(list).hasSize(1);
        return list.get(0).get("fingerprint").asText();
    }

    private static HttpResponse<String> get(String token, String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(BLOOP.url(path))).GET();
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return BloopTestApp.send(b.build());
    }

    private static HttpResponse<String> post(String token, String path) {
        return BloopTestApp.send(HttpRequest.newBuilder(URI.create(BLOOP.url(path)))
                .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.noBody()).build());
    }

    private static JsonNode json(HttpResponse<String> r, int status) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        return JSON.readTree(r.body());
    }

    private static long total(HttpResponse<String> r) {
        return Long.parseLong(r.headers().firstValue("X-Total-Count").orElseThrow());
    }

    @Test
    void credentialsAreRequiredAndScopesEnforced() throws Exception {
        for (String path : List.of("/v1/errors", "/v1/errors/" + usersFp, "/v1/stats", "/v1/trends",
                "/v1/releases/2.0.0/errors", "/v1/errors/" + usersFp + "/occurrences")) {
            assertThat(json(get(null, path), 401).get("error").asText()).contains("Bearer");
            assertThat(get("bloop_tk_not-a-real-token", path).statusCode()).isEqualTo(401);
            assertThat(get(expired, path).statusCode()).as("expired token").isEqualTo(401);
            JsonNode forbidden = json(get(alertsOnly, path), 403);
            assertThat(forbidden.get("scope").asText()).isEqualTo("errors:read");
            assertThat(forbidden.get("error").asText()).contains("errors:read");
        }
        JsonNode noWrite = json(post(readOnly, "/v1/errors/" + usersFp + "/resolve"), 403);
        assertThat(noWrite.get("scope").asText()).isEqualTo("errors:write");
        var wrongScheme = BloopTestApp.send(HttpRequest.newBuilder(URI.create(BLOOP.url("/v1/errors")))
                .header("Authorization", "Basic " + readWrite).build());
        assertThat(wrongScheme.statusCode()).isEqualTo(401);
    }

    @Test
    void listShowsGroupsWithTotalsAndEnvironments() throws Exception {
        HttpResponse<String> r = get(readOnly, "/v1/errors");
        JsonNode list = json(r, 200);
        assertThat(total(r)).isEqualTo(2);
        assertThat(list).hasSize(2);
        JsonNode users = find(list, usersFp);
        assertThat(users.get("project_id").asText()).isEqualTo("default");
        assertThat(users.get("error_type").asText()).isEqualTo("TypeError");
        assertThat(users.get("message").asText()).isEqualTo("Cannot read property 'name' of user 1000");
        assertThat(users.get("source").asText()).isEqualTo("ios");
        assertThat(users.get("route_or_procedure").asText()).isEqualTo("/users");
        assertThat(users.get("total_count").asLong()).isEqualTo(6);
        assertThat(users.get("last_release").asText()).isEqualTo("2.1.0");
        assertThat(users.get("environments")).extracting(JsonNode::asText).containsExactly("prod", "staging");
        assertThat(users.get("first_seen").asLong()).isPositive().isLessThanOrEqualTo(users.get("last_seen").asLong());
    }

    @Test
    void filtersNarrowTheListAndItsCounts() throws Exception {
        JsonNode byRelease = json(get(readOnly, "/v1/errors?release=2.0.0"), 200);
        assertThat(byRelease).hasSize(1);
        assertThat(byRelease.get(0).get("total_count").asLong()).as("only 2.0.0's events").isEqualTo(4);
        JsonNode byEnv = json(get(readOnly, "/v1/errors?environment=staging"), 200);
        assertThat(byEnv).hasSize(1);
        assertThat(byEnv.get(0).get("total_count").asLong()).isEqualTo(3);
        JsonNode both = json(get(readOnly, "/v1/errors?release=2.0.0&environment=staging"), 200);
        assertThat(both.get(0).get("total_count").asLong()).isEqualTo(2);
        assertThat(json(get(readOnly, "/v1/errors?source=api"), 200)).extracting(n -> n.get("fingerprint").asText())
                .containsExactly(timeoutFp);
        assertThat(json(get(readOnly, "/v1/errors?route=/users"), 200)).extracting(n -> n.get("fingerprint").asText())
                .containsExactly(usersFp);
        assertThat(json(get(readOnly, "/v1/errors?q=TIMEOUTERR"), 200)).extracting(n -> n.get("fingerprint").asText())
                .containsExactly(timeoutFp);
        assertThat(json(get(readOnly, "/v1/errors?q=read%20prop"), 200)).extracting(n -> n.get("fingerprint").asText())
                .containsExactly(usersFp);
        assertThat(json(get(readOnly, "/v1/errors?q=nothing-like-this"), 200)).isEmpty();
        assertThat(json(get(readOnly, "/v1/errors?q=%22%29%28*"), 200)).as("FTS syntax is not injectable").isEmpty();
        assertThat(json(get(readOnly, "/v1/errors?since=" + (System.currentTimeMillis() + 60_000)), 200)).isEmpty();
        assertThat(json(get(readOnly, "/v1/errors?until=1"), 200)).isEmpty();
        assertThat(json(get(readOnly, "/v1/errors?since=1&until=" + (System.currentTimeMillis() + 60_000)), 200)).hasSize(2);
        assertThat(json(get(readOnly, "/v1/errors?status=resolved&q=nothing"), 200)).isEmpty();
    }

    @Test
    void sortsAndPaginationFollowTheParameters() throws Exception {
        JsonNode byCount = json(get(readOnly, "/v1/errors?sort=total_count"), 200);
        assertThat(byCount.get(0).get("fingerprint").asText()).isEqualTo(usersFp);
        HttpResponse<String> page2 = get(readOnly, "/v1/errors?sort=total_count&limit=1&offset=1");
        assertThat(json(page2, 200)).extracting(n -> n.get("fingerprint").asText()).containsExactly(timeoutFp);
        assertThat(total(page2)).isEqualTo(2);
        assertThat(json(get(readOnly, "/v1/errors?offset=5"), 200)).isEmpty();
        JsonNode byFirst = json(get(readOnly, "/v1/errors?sort=first_seen"), 200);
        assertThat(byFirst.get(0).get("first_seen").asLong()).isGreaterThanOrEqualTo(byFirst.get(1).get("first_seen").asLong());
    }

    @Test
    void badParametersAre400NamingTheParameter() throws Exception {
        Map<String, String> cases = Map.of(
                "/v1/errors?sort=popularity", "sort",
                "/v1/errors?limit=201", "limit",
                "/v1/errors?limit=0", "limit",
                "/v1/errors?limit=ten", "limit",
                "/v1/errors?offset=-1", "offset",
                "/v1/errors?since=yesterday", "since",
                "/v1/errors?until=-5", "until",
                "/v1/errors?status=open", "status",
                "/v1/trends?hours=721", "hours",
                "/v1/errors/" + "0".repeat(16) + "/occurrences?limit=1000", "limit");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            JsonNode body = json(get(readOnly, c.getKey()), 400);
            assertThat(body.get("field").asText()).as(c.getKey()).isEqualTo(c.getValue());
            assertThat(body.get("error").asText()).as(c.getKey()).contains(c.getValue());
        }
    }

    @Test
    void detailExplainsTheGroupingAndShowsCountsAndSamples() throws Exception {
        JsonNode d = json(get(readOnly, "/v1/errors/" + usersFp), 200);
        assertThat(d.get("fingerprint").asText()).isEqualTo(usersFp);
        assertThat(d.get("total_count").asLong()).isEqualTo(6);
        assertThat(d.get("grouping").get("normalized_message").asText()).isEqualTo("cannot read property 'name' of user <n>");
        assertThat(d.get("grouping").get("frame").asText()).isEqualTo("at handler (src/users.ts)");
        assertThat(d.get("grouping").get("version").asInt()).isEqualTo(dev.bloop.service.fingerprint.Fingerprinter.VERSION);
        assertThat(d.get("grouping").get("frame_reason").asText()).isEqualTo("first in-app frame");
        Map<String, Long> releases = new java.util.HashMap<>();
        d.get("releases").forEach(n -> releases.put(n.get("release").asText(), n.get("count").asLong()));
        assertThat(releases).containsExactlyInAnyOrderEntriesOf(Map.of("2.0.0", 4L, "2.1.0", 2L));
        Map<String, Long> envs = new java.util.HashMap<>();
        d.get("environment_counts").forEach(n -> envs.put(n.get("environment").asText(), n.get("count").asLong()));
        assertThat(envs).containsExactlyInAnyOrderEntriesOf(Map.of("prod", 3L, "staging", 3L));
        assertThat(d.get("samples").size()).isBetween(1, 10);
        JsonNode sample = d.get("samples").get(0);
        assertThat(sample.get("stack").asText()).contains("src/users.ts");
        assertThat(sample.get("metadata").get("n").asInt()).isEqualTo(1);
        assertThat(sample.get("received_at").asLong()).isPositive();
        assertThat(json(get(readOnly, "/v1/errors/0123456789abcdef"), 404).get("error").asText()).contains("no error group");
        assertThat(get(readOnly, "/v1/errors/not-a-fingerprint").statusCode()).isEqualTo(404);
    }

    @Test
    void occurrencesArePagedNewestFirst() throws Exception {
        HttpResponse<String> r = get(readOnly, "/v1/errors/" + usersFp + "/occurrences?limit=4");
        JsonNode page = json(r, 200);
        assertThat(total(r)).isEqualTo(6);
        assertThat(page).hasSize(4);
        assertThat(page.get(0).get("received_at").asLong()).isGreaterThanOrEqualTo(page.get(3).get("received_at").asLong());
        assertThat(page.get(0).get("metadata").get("n").asInt()).isEqualTo(1);
        assertThat(page.get(0).get("stack").asText()).isNotEmpty();
        assertThat(json(get(readOnly, "/v1/errors/" + usersFp + "/occurrences?limit=4&offset=4"), 200)).hasSize(2);
    }

    @Test
    void triageRecordsWhoChangedWhatAndARecurrenceReopensAResolvedGroup() throws Exception {
        JsonNode resolved = json(post(readWrite, "/v1/errors/" + timeoutFp + "/resolve"), 200);
        assertThat(resolved.get("status").asText()).isEqualTo("resolved");
        assertThat(resolved.get("previous_status").asText()).isEqualTo("unresolved");
        assertThat(json(get(readOnly, "/v1/errors?status=resolved"), 200)).extracting(n -> n.get("fingerprint").asText())
                .containsExactly(timeoutFp);

        // Any state to any state.
        assertThat(json(post(readWrite, "/v1/errors/" + timeoutFp + "/mute"), 200).get("status").asText()).isEqualTo("muted");
        assertThat(json(post(readWrite, "/v1/errors/" + timeoutFp + "/ignore"), 200).get("status").asText()).isEqualTo("ignored");
        assertThat(json(post(readWrite, "/v1/errors/" + timeoutFp + "/resolve"), 200).get("status").asText()).isEqualTo("resolved");
        assertThat(json(post(readWrite, "/v1/errors/" + timeoutFp + "/resolve"), 200).get("updated").asInt()).isZero();

        String again = event("api", "prod", "2.2.0", "TimeoutError", "Upstream timed out after 99s", "/orders");
        assertThat(BLOOP.ingest("/v1/ingest", again).statusCode()).isEqualTo(200);
        long deadline = System.currentTimeMillis() + 10_000;
        JsonNode detail;
        do {
            detail = json(get(readOnly, "/v1/errors/" + timeoutFp), 200);
            Thread.sleep(20);
        } while (!detail.get("status").asText().equals("unresolved") && System.currentTimeMillis() < deadline);
        assertThat(detail.get("status").asText()).isEqualTo("unresolved");
        assertThat(detail.get("total_count").asLong()).isEqualTo(4);

        JsonNode history = json(get(readOnly, "/v1/errors/" + timeoutFp + "/history"), 200);
        List<String> rows = new ArrayList<>();
        history.forEach(h -> rows.add(h.get("old_status").asText() + ">" + h.get("new_status").asText() + ":" + h.get("actor").asText()));
        assertThat(rows).containsExactly(
                "resolved>unresolved:system",
                "ignored>resolved:triage-bot",
                "muted>ignored:triage-bot",
                "resolved>muted:triage-bot",
                "unresolved>resolved:triage-bot");
        assertThat(history.get(0).get("changed_at").asLong()).isPositive();
        assertThat(json(post(readWrite, "/v1/errors/0123456789abcdef/resolve"), 404).get("error").asText())
                .contains("no error group");
    }

    @Test
    void trendsAreHourlyOldestFirstAndZeroFilled() throws Exception {
        JsonNode trend = json(get(readOnly, "/v1/errors/" + usersFp + "/trend?hours=5"), 200);
        assertThat(trend).hasSize(5);
        long prev = 0;
        long sum = 0;
        for (JsonNode bucket : trend) {
            assertThat(bucket.get("hour_bucket").asLong() % 3_600_000L).isZero();
            assertThat(bucket.get("hour_bucket").asLong()).isGreaterThan(prev);
            prev = bucket.get("hour_bucket").asLong();
            sum += bucket.get("count").asLong();
        }
        assertThat(sum).isEqualTo(6);
        assertThat(trend.get(0).get("count").asLong()).isZero();
        JsonNode global = json(get(readOnly, "/v1/trends"), 200);
        assertThat(global).hasSize(72);
        long globalSum = 0;
        for (JsonNode bucket : global) {
            globalSum += bucket.get("count").asLong();
        }
        assertThat(globalSum).as("default project only").isBetween(9L, 10L);
    }

    @Test
    void statsSummariseTheProject() throws Exception {
        JsonNode s = json(get(readOnly, "/v1/stats"), 200);
        assertThat(s.get("total_errors").asLong()).isEqualTo(2);
        assertThat(s.get("total_events_24h").asLong()).isBetween(9L, 10L);
        assertThat(s.get("new_errors_24h").asLong()).isEqualTo(2);
        assertThat(s.get("unresolved_errors").asLong()).isBetween(1L, 2L);
        assertThat(s.get("top_routes").get(0).get("route").asText()).isEqualTo("/users");
        assertThat(s.get("top_routes").get(0).get("count").asLong()).isEqualTo(6);
        assertThat(s.get("top_errors").get(0).get("fingerprint").asText()).isEqualTo(usersFp);
        assertThat(s.get("top_errors").get(0).get("count_24h").asLong()).isEqualTo(6);
    }

    @Test
    void releaseListShowsThatReleasesCounts() throws Exception {
        HttpResponse<String> r = get(readOnly, "/v1/releases/2.1.0/errors");
        JsonNode list = json(r, 200);
        assertThat(total(r)).isEqualTo(2);
        assertThat(find(list, usersFp).get("total_count").asLong()).isEqualTo(2);
        assertThat(json(get(readOnly, "/v1/releases/0.0.0/errors"), 200)).isEmpty();
    }

    @Test
    void aTokenNeverSeesAnotherProject() throws Exception {
        JsonNode mine = json(get(otherProject, "/v1/errors"), 200);
        assertThat(mine).extracting(n -> n.get("fingerprint").asText()).containsExactly(otherFp);
        assertThat(mine.get(0).get("project_id").asText()).isEqualTo("p-other");
        // Asking for another project changes nothing: a token is bound to its own.
        assertThat(json(get(otherProject, "/v1/errors?project_id=default"), 200)).extracting(n -> n.get("fingerprint").asText())
                .containsExactly(otherFp);
        for (String path : List.of("/v1/errors/" + usersFp, "/v1/errors/" + usersFp + "/occurrences",
                "/v1/errors/" + usersFp + "/trend", "/v1/errors/" + usersFp + "/history")) {
            assertThat(get(otherProject, path).statusCode()).as(path).isEqualTo(404);
        }
        assertThat(post(otherProject, "/v1/errors/" + usersFp + "/mute").statusCode()).isEqualTo(404);
        assertThat(json(get(otherProject, "/v1/releases/2.0.0/errors"), 200)).isEmpty();
        JsonNode stats = json(get(otherProject, "/v1/stats"), 200);
        assertThat(stats.get("total_errors").asLong()).isEqualTo(1);
        assertThat(stats.get("total_events_24h").asLong()).isEqualTo(1);
        long sum = 0;
        for (JsonNode b : json(get(otherProject, "/v1/trends?hours=2"), 200)) {
            sum += b.get("count").asLong();
        }
        assertThat(sum).isEqualTo(1);
        // And the default project's token does not see the other project's group (another source,
        // so another fingerprint).
        assertThat(Set.of(usersFp, timeoutFp)).doesNotContain(otherFp);
        assertThat(get(readOnly, "/v1/errors/" + otherFp).statusCode()).isEqualTo(404);
        assertThat(json(get(readOnly, "/v1/errors?source=web"), 200)).isEmpty();
    }

    @Test
    void facetsListTheValuesTheFiltersCanTakeWithTheirCounts() throws Exception {
        JsonNode f = json(get(readOnly, "/v1/errors/facets"), 200);
        assertThat(values(f.get("environment"))).containsEntry("staging", "1/3").containsKey("prod");
        assertThat(f.get("environment").get(0).get("value").asText()).as("most events first").isEqualTo("prod");
        assertThat(values(f.get("release"))).containsEntry("2.0.0", "1/4").containsKey("2.1.0")
                .doesNotContainKey("9.9");
        assertThat(values(f.get("source"))).containsEntry("ios", "1/6").containsKey("api").doesNotContainKey("web");
        assertThat(values(f.get("route"))).containsEntry("/users", "1/6").containsKey("/orders");
        assertThat(json(get(readOnly, "/v1/errors/facets?limit=1"), 200).get("route")).hasSize(1);
        assertThat(values(json(get(otherProject, "/v1/errors/facets"), 200).get("source"))).containsOnlyKeys("web");
        assertThat(json(get(readOnly, "/v1/errors/facets?limit=0"), 400).get("field").asText()).isEqualTo("limit");
        assertThat(get(alertsOnly, "/v1/errors/facets").statusCode()).isEqualTo(403);
    }

    @Test
    void filtersTakeSeveralValuesAnyOfWhichMatches() throws Exception {
        assertThat(json(get(readOnly, "/v1/errors?environment=staging&environment=nowhere"), 200))
                .extracting(n -> n.get("fingerprint").asText()).containsExactly(usersFp);
        JsonNode both = json(get(readOnly, "/v1/errors?release=2.0.0&release=2.1.0&sort=total_count"), 200);
        assertThat(find(both, usersFp).get("total_count").asLong()).as("both releases' events").isEqualTo(6);
        assertThat(json(get(readOnly, "/v1/errors?release=2.0.0&release=2.1.0&environment=staging"), 200).get(0)
                .get("total_count").asLong()).isEqualTo(3);
        assertThat(json(get(readOnly, "/v1/errors?source=ios&source=api"), 200)).hasSize(2);
        assertThat(json(get(readOnly, "/v1/errors?route=/users&route=/nowhere"), 200))
                .extracting(n -> n.get("fingerprint").asText()).containsExactly(usersFp);
        assertThat(json(get(readOnly, "/v1/errors?route=/users&route=/orders&status=unresolved&q=property"), 200))
                .extracting(n -> n.get("fingerprint").asText()).containsExactly(usersFp);
        String many = "release=r" + String.join("&release=r", java.util.Collections.nCopies(51, "x").stream()
                .map(x -> String.valueOf(Math.random())).toList());
        assertThat(json(get(readOnly, "/v1/errors?" + many), 400).get("field").asText()).isEqualTo("release");
    }

    @Test
    void listItemsNameTheFrameTheyWereGroupedBy() throws Exception {
        assertThat(find(json(get(readOnly, "/v1/errors"), 200), usersFp).get("top_frame").asText())
                .isEqualTo("at handler (src/users.ts)");
    }

    @Test
    void tagsSplitAnIssuesEventsByWhereTheyHappened() throws Exception {
        String iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
                + "Version/17.2 Mobile/15E148 Safari/604.1";
        List<String> events = List.of(
                tagged("prod", "{\"browser\":\"Chrome\",\"browser_version\":\"120\",\"os\":{\"name\":\"iOS\",\"version\":\"17.2\"},"
                        + "\"locale\":\"de-DE\"}"),
                tagged("prod", "{\"user_agent\":\"" + iphone + "\"}"),
                tagged("beta", "{\"device\":\"Pixel 8\"}"));
        String body = "{\"events\":[" + String.join(",", events) + "]}";
        assertThat(BLOOP.post("/v1/ingest/batch", body, Map.of("Content-Type", "application/json",
                "X-Project-Key", "bloop_pk_tags", "X-Signature", Signatures.sign(TAGS_SECRET, body))).statusCode())
                .isEqualTo(200);
        BLOOP.awaitCount("SELECT count(*) FROM raw_events WHERE project_id = 'p-tags' AND error_type = 'TagError'", 3);
        String fp = fingerprintOf(tagsProject, "q=TagError");
        JsonNode t = json(get(tagsProject, "/v1/errors/" + fp + "/tags"), 200);
        assertThat(t.get("events").asLong()).isEqualTo(3);
        Map<String, Map<String, Long>> tags = new java.util.HashMap<>();
        t.get("tags").forEach(tag -> {
            Map<String, Long> vs = new java.util.HashMap<>();
            tag.get("values").forEach(v -> vs.put(v.get("value").asText(), v.get("count").asLong()));
            tags.put(tag.get("key").asText(), vs);
        });
        assertThat(tags.get("environment")).containsExactlyInAnyOrderEntriesOf(Map.of("prod", 2L, "beta", 1L));
        assertThat(tags.get("release")).containsExactlyInAnyOrderEntriesOf(Map.of("7.0", 3L));
        assertThat(tags.get("app_version")).containsExactlyInAnyOrderEntriesOf(Map.of("7.0.1", 3L));
        assertThat(tags.get("browser")).containsExactlyInAnyOrderEntriesOf(Map.of("Chrome 120", 1L, "Safari 17.2", 1L));
        assertThat(tags.get("os")).containsExactlyInAnyOrderEntriesOf(Map.of("iOS 17.2", 2L));
        assertThat(tags.get("device")).containsExactlyInAnyOrderEntriesOf(Map.of("iPhone", 1L, "Pixel 8", 1L));
        assertThat(tags.get("locale")).containsExactlyInAnyOrderEntriesOf(Map.of("de-DE", 1L));
        assertThat(get(readOnly, "/v1/errors/" + fp + "/tags").statusCode()).as("another project's issue").isEqualTo(404);
        assertThat(get(alertsOnly, "/v1/errors/" + fp + "/tags").statusCode()).isEqualTo(403);
    }

    @Test
    void aReleaseKnowsTheIssuesItBrought() throws Exception {
        String first = released("OldError", "1.0");
        assertThat(BLOOP.post("/v1/ingest", first, tagsHeaders(first)).statusCode()).isEqualTo(200);
        BLOOP.awaitCount("SELECT count(*) FROM error_groups WHERE project_id = 'p-tags' AND error_type = 'OldError'", 1);
        for (String type : List.of("OldError", "NewError")) {
            String body = released(type, "1.1");
            assertThat(BLOOP.post("/v1/ingest", body, tagsHeaders(body)).statusCode()).isEqualTo(200);
        }
        BLOOP.awaitCount("SELECT count(*) FROM raw_events WHERE project_id = 'p-tags' AND release = '1.1'", 2);
        Map<String, Long> newGroups = new java.util.HashMap<>();
        json(get(tagsProject, "/v1/releases"), 200).forEach(r -> newGroups.put(r.get("release").asText(), r.get("new_groups").asLong()));
        assertThat(newGroups).containsEntry("1.0", 1L).containsEntry("1.1", 1L);
        assertThat(json(get(tagsProject, "/v1/releases/1.1/errors?new=true"), 200)).extracting(n -> n.get("error_type").asText())
                .containsExactly("NewError");
        assertThat(json(get(tagsProject, "/v1/releases/1.1/errors"), 200)).hasSize(2);
        assertThat(json(get(tagsProject, "/v1/releases/1.1/errors?new=maybe"), 400).get("field").asText()).isEqualTo("new");
    }

    private static String tagged(String env, String metadata) {
        return "{\"timestamp\":" + System.currentTimeMillis() + ",\"source\":\"web\",\"environment\":\"" + env
                + "\",\"release\":\"7.0\",\"app_version\":\"7.0.1\",\"error_type\":\"TagError\",\"message\":\"tagged\","
                + "\"metadata\":" + metadata + "}";
    }

    private static String released(String type, String release) {
        return "{\"timestamp\":" + System.currentTimeMillis() + ",\"source\":\"web\",\"environment\":\"prod\",\"release\":\""
                + release + "\",\"error_type\":\"" + type + "\",\"message\":\"m\"}";
    }

    private static Map<String, String> tagsHeaders(String body) {
        return Map.of("Content-Type", "application/json", "X-Project-Key", "bloop_pk_tags",
                "X-Signature", Signatures.sign(TAGS_SECRET, body));
    }

    /** value -> "issues/events" */
    private static Map<String, String> values(JsonNode facet) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        facet.forEach(v -> out.put(v.get("value").asText(), v.get("issues").asLong() + "/" + v.get("events").asLong()));
        return out;
    }

    private static JsonNode find(JsonNode list, String fingerprint) {
        for (JsonNode n : list) {
            if (n.get("fingerprint").asText().equals(fingerprint)) {
                return n;
            }
        }
        throw new AssertionError("no group " + fingerprint + " in " + list);
    }
}
